using System.Reflection;
using Xunit.Sdk;

namespace SandboxControl.Tests.Storage;

/// <summary>A store theory's SQLite case.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SqliteEngineAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreEngine.Sqlite]];
}
