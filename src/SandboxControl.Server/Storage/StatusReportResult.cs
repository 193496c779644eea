namespace SandboxControl.Server.Storage;

internal sealed record StatusReportResult(StatusReportOutcome Outcome, PolicyStatusRecord? Status, long CurrentVersion);
