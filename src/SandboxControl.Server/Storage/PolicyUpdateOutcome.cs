namespace SandboxControl.Server.Storage;

internal enum PolicyUpdateOutcome
{
    Updated,

    /// <summary>The document equals the current version's: nothing was written, Policy is the current version.</summary>
    Unchanged,
    StaleVersion,
    SandboxNotFound,
}
