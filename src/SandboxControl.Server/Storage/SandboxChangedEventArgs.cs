namespace SandboxControl.Server.Storage;

/// <summary>
/// Something about a sandbox changed in the store (created, deleted, or log lines appended), possibly on another
/// replica. Carries only the id: listeners re-read what they need.
/// </summary>
internal sealed class SandboxChangedEventArgs(string sandboxId) : EventArgs
{
    public string SandboxId { get; } = sandboxId;
}
