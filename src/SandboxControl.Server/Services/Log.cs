namespace SandboxControl.Server.Services;

internal static partial class Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Issued certificate {SerialNumber} for sandbox {SandboxId}")]
    public static partial void CertificateIssued(ILogger logger, string sandboxId, string serialNumber);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Renewed certificate {OldSerialNumber} of sandbox {SandboxId} as {SerialNumber}")]
    public static partial void CertificateRenewed(ILogger logger, string sandboxId, string oldSerialNumber, string serialNumber);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Revoked certificate {SerialNumber} of sandbox {SandboxId} and its descendants ({Count} certificates)")]
    public static partial void CertificateLineageRevoked(ILogger logger, string sandboxId, string serialNumber, int count);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Critical, Message = "Revoked certificate {SerialNumber} of sandbox {SandboxId}, but the audit event naming the revoked serials could not be written; the revocation stays in force")]
    public static partial void RevocationDetailNotAudited(ILogger logger, string sandboxId, string serialNumber);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Error, Message = "Storage failure in {Method}, answered Unavailable ({Reason}): {Detail}")]
    public static partial void StorageUnavailable(ILogger logger, string method, string reason, string detail);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Error, Message = "Stored data unreadable in {Method}, answered DataLoss: {Detail}")]
    public static partial void StoredDataCorrupt(ILogger logger, string method, string detail);
}
