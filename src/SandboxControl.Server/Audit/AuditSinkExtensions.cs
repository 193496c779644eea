using Grpc.Core;

namespace SandboxControl.Server.Audit;

internal static class AuditSinkExtensions
{
    /// <summary>Fails closed: an event that cannot be recorded refuses the request (Unavailable) instead of going unaudited.</summary>
    public static async Task WriteOrRefuseAsync(this IAuditSink sink, AuditEvent auditEvent, ILogger logger)
    {
        try
        {
            await sink.WriteAsync(auditEvent).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Log.AuditWriteFailed(logger, ex.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, "audit log unavailable"));
        }
    }
}
