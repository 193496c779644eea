namespace SandboxControl.Tests.Storage;

/// <summary>The storage engines every store test runs against.</summary>
public enum StoreEngine
{
    Sqlite,
    Postgres,
}
