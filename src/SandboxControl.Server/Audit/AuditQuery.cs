namespace SandboxControl.Server.Audit;

/// <summary>Filters of ListAuditEvents; null or empty means "any".</summary>
internal sealed record AuditQuery(
    string? Target, string? Caller, string? Rpc, bool? Allowed, DateTimeOffset? Since, DateTimeOffset? Until, long Offset, int Limit)
{
    public bool Matches(AuditEvent e) =>
        (string.IsNullOrEmpty(Target) || string.Equals(e.Target, Target, StringComparison.Ordinal))
        && (string.IsNullOrEmpty(Caller) || string.Equals(e.Caller, Caller, StringComparison.Ordinal))
        && (string.IsNullOrEmpty(Rpc) || string.Equals(e.Rpc, Rpc, StringComparison.Ordinal))
        && (Allowed is null || e.Allowed == Allowed)
        && (Since is null || e.Time >= Since)
        && (Until is null || e.Time < Until);
}
