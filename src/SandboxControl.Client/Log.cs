using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace SandboxControl.Client;

/// <summary>The library's log messages: serials, paths and status codes only, never key material or credential values.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Sandbox {SandboxId}: using certificate {SerialNumber} (valid until {NotAfter}), reason {Reason}")]
    public static partial void CertificateInUse(ILogger logger, string sandboxId, string serialNumber, DateTimeOffset notAfter, string reason);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Replaced certificate files at {Path} not used: {Reason}")]
    public static partial void ReloadRejected(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Certificate renewal failed (attempt {Attempt}), current certificate {SerialNumber} valid until {NotAfter}: {Status} {Detail}")]
    public static partial void RenewalFailed(ILogger logger, int attempt, string serialNumber, DateTimeOffset notAfter, StatusCode status, string detail);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Renewed certificate could not be written to {Path}; it is kept in memory only: {Reason}")]
    public static partial void PersistFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "Certificate {SerialNumber} is expired or not yet valid ({NotBefore} - {NotAfter}); the server will refuse it and it cannot be renewed")]
    public static partial void CertificateNotValidNow(ILogger logger, string serialNumber, DateTimeOffset notBefore, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 8010, Level = LogLevel.Debug, Message = "Log push of {Lines} lines failed (attempt {Attempt}), retrying in {Delay}: {Status}")]
    public static partial void LogPushFailed(ILogger logger, int lines, int attempt, TimeSpan delay, StatusCode status);

    [LoggerMessage(EventId = 8011, Level = LogLevel.Warning, Message = "Server refused a log batch of {Lines} lines as invalid; the batch is discarded: {Detail}")]
    public static partial void LogBatchRejected(ILogger logger, int lines, string detail);

    [LoggerMessage(EventId = 8020, Level = LogLevel.Debug, Message = "Policy poll failed (attempt {Attempt}): {Status}")]
    public static partial void PolicyPollFailed(ILogger logger, int attempt, StatusCode status);

    [LoggerMessage(EventId = 8021, Level = LogLevel.Error, Message = "A {Event} event handler threw")]
    public static partial void HandlerThrew(ILogger logger, string @event, Exception exception);
}
