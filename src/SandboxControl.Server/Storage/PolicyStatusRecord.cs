namespace SandboxControl.Server.Storage;

internal sealed record PolicyStatusRecord(
    string SandboxId,
    long Version,
    PolicyState State,
    string Message,
    DateTimeOffset? ReportedAt,
    long ActiveVersion);
