namespace SandboxControl.Server.Storage;

internal enum PolicyUpdateOutcome
{
    Updated,
    StaleVersion,
    SandboxNotFound,
}
