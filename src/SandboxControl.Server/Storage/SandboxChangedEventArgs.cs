namespace SandboxControl.Server.Storage;

/// <summary>
/// Something about a sandbox changed in the store, possibly on another replica. Carries only the id and the kind of
/// change: listeners re-read what they need.
/// </summary>
internal sealed class SandboxChangedEventArgs(string sandboxId, SandboxChangeKind kind) : EventArgs
{
    public string SandboxId { get; } = sandboxId;

    public SandboxChangeKind Kind { get; } = kind;
}
