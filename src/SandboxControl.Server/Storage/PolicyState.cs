namespace SandboxControl.Server.Storage;

internal enum PolicyState
{
    Pending = 1,
    Loaded = 2,
    Failed = 3,
    Superseded = 4,
}
