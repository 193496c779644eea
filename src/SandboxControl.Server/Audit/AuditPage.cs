namespace SandboxControl.Server.Audit;

/// <summary>One page of events; <see cref="NextOffset"/> null at the end of the file.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditEvent> Events, long? NextOffset, int SkippedLines);
