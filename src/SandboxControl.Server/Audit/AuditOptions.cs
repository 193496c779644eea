namespace SandboxControl.Server.Audit;

/// <summary>Section "Audit".</summary>
internal sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// JSON-lines file the audit events are appended to (created 0600). Required: audit fails closed,
    /// and only a sink whose write errors we see can refuse a request it could not record — a logging
    /// pipeline drops events silently when a level is filtered or a sink fails. Default data/audit.log.
    /// </summary>
    public string Path { get; set; } = "data/audit.log";
}
