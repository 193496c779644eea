namespace SandboxControl.Server.Audit;

/// <summary>Section "Audit".</summary>
internal sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// JSON-lines file the audit events are appended to (created 0600, opened O_APPEND so `chattr +a` works). Required:
    /// audit fails closed, and only a sink whose write errors we see can refuse a request it could not record — a
    /// logging pipeline drops events silently when a level is filtered or a sink fails. Default data/audit.log.
    /// </summary>
    public string Path { get; set; } = "data/audit.log";

    /// <summary>
    /// fsync each group of events before the calls they record proceed. Default true; false only to measure what
    /// durability costs (an event acknowledged without it can be lost in a host crash).
    /// </summary>
    public bool Fsync { get; set; } = true;

    /// <summary>Name of this server in every event, so the events of several replicas can be told apart. Default: the host name.</summary>
    public string Replica { get; set; } = Environment.MachineName;

    /// <summary>
    /// With PostgreSQL: how long events stay in the shared audit index, counted from when the index stored them (the
    /// database's clock). The replicas' files are not affected; rotate them as any log. Zero keeps events forever.
    /// Default 90 days.
    /// </summary>
    public TimeSpan IndexRetention { get; set; } = TimeSpan.FromDays(90);
}
