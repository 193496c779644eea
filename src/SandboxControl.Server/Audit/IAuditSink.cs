namespace SandboxControl.Server.Audit;

/// <summary>Where audit events go.</summary>
internal interface IAuditSink
{
    /// <summary>
    /// Completes once the event is durable; faults with <see cref="IOException"/> if it was not recorded, and then it
    /// never will be. The caller refuses the request.
    /// </summary>
    Task WriteAsync(AuditEvent auditEvent);
}
