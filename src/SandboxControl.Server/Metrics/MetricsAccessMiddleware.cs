using SandboxControl.Server.Audit;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Metrics;

/// <summary>
/// The Prometheus scrape endpoint is plain HTTP, so the gRPC interceptor does not guard it: this does,
/// with the same certificate identity. Only configured operators may scrape; every decision is audited.
/// </summary>
internal sealed class MetricsAccessMiddleware(RequestDelegate next, CallerAuthenticator authenticator, OperatorRoles roles, IAuditSink audit, TimeProvider time)
{
    private const string Rpc = "GET /metrics";

    public async Task InvokeAsync(HttpContext context)
    {
        var authentication = authenticator.Authenticate(context);
        var caller = authentication.Caller;
        var (status, reason) = caller switch
        {
            null => (StatusCodes.Status401Unauthorized, authentication.FailureReason!),
            { Kind: CallerKind.Operator } when roles.TryGetRole(caller.Name, out _) => (StatusCodes.Status200OK, "operator scrape"),
            _ => (StatusCodes.Status403Forbidden, "metrics are for configured operators only"),
        };
        // Awaited: a scrape is served only once its decision is durable (an I/O error fails the request).
        await audit.WriteAsync(new AuditEvent(time.GetUtcNow(), caller?.ToString() ?? "unauthenticated", authentication.SerialNumber, Rpc, null, status == StatusCodes.Status200OK, status.ToString(System.Globalization.CultureInfo.InvariantCulture), reason)).ConfigureAwait(false);
        if (status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = status;
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
