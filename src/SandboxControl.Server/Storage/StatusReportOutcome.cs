namespace SandboxControl.Server.Storage;

internal enum StatusReportOutcome
{
    Recorded,
    StaleVersion,
    NoPolicy,
    SandboxNotFound,
}
