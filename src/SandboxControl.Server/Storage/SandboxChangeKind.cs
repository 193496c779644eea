namespace SandboxControl.Server.Storage;

internal enum SandboxChangeKind
{
    Created,
    Deleted,
    LogsAppended,
    PolicyChanged,

    /// <summary>The store re-read its state after missing notifications (a replica's listener reconnected): anything may have changed.</summary>
    Reloaded,
}
