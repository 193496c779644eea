using SandboxControl.Server.Audit;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Metrics;

namespace SandboxControl.Server.Authorization;

/// <summary>Records one decision as an audit event and a metric; fails closed (Unavailable) if the audit cannot be written.</summary>
internal sealed class DecisionRecorder(IAuditSink audit, ControlPlaneMetrics metrics, TimeProvider time, ILogger<DecisionRecorder> logger)
{
    /// <summary>Completes once the event is durable; throws Unavailable if it cannot be, and the decision is then not carried out.</summary>
    public Task RecordAsync(CallerIdentity? caller, string rpc, string? target, AccessDecision decision, string? serial = null)
    {
        var auditEvent = new AuditEvent(
            time.GetUtcNow(),
            caller?.ToString() ?? "unauthenticated",
            caller?.SerialNumber ?? serial,
            rpc,
            target,
            decision.Allowed,
            decision.Code.ToString(),
            decision.Reason);
        metrics.Decision(rpc, auditEvent.Status, decision.Reason);
        // Fail closed: a decision that cannot be durably recorded is not carried out.
        return audit.WriteOrRefuseAsync(auditEvent, logger);
    }
}
