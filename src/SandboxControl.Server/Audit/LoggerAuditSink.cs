namespace SandboxControl.Server.Audit;

/// <summary>Audit events as structured log events (category SandboxControl.Audit) when no audit file is configured.</summary>
internal sealed class LoggerAuditSink(ILoggerFactory loggerFactory) : IAuditSink
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("SandboxControl.Audit");

    public void Write(AuditEvent e)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var caller = AuditText.Sanitize(e.Caller);
        var target = AuditText.Sanitize(e.Target);
        Log.Decision(
            _logger,
            e.Allowed ? "allow" : "deny",
            e.Rpc,
            caller,
            e.CertificateSerial,
            target,
            e.Status,
            e.Reason);
    }
}
