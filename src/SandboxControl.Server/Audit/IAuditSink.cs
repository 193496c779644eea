namespace SandboxControl.Server.Audit;

/// <summary>Where audit events go. Write throws if the event was not recorded; the caller then refuses the request.</summary>
internal interface IAuditSink
{
    void Write(AuditEvent auditEvent);
}
