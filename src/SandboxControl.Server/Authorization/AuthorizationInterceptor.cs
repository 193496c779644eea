using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Grpc.Core.Interceptors;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Metrics;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// Authenticates and authorizes every call before any handler runs: all four handler kinds are
/// overridden, because the base Interceptor lets anything not overridden straight through.
/// Every decision, allow or deny, is audited; if the audit cannot be written the call is refused.
/// </summary>
internal sealed class AuthorizationInterceptor(
    AccessRuleTable rules,
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    CallerRateLimiter rateLimiter,
    IAuditSink audit,
    ControlPlaneMetrics metrics,
    TimeProvider time,
    ILogger<AuthorizationInterceptor> logger) : Interceptor
{
    // Same text for every authentication failure: the reason goes to the audit log only, so an old
    // certificate cannot learn whether its sandbox id was deleted or reused.
    private const string NotAccepted = "client certificate not accepted";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        AuthorizeSingle(request, context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        AuthorizeSingle(request, context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var stream = AuthorizeStream(context);
        return continuation(new AuthorizingStreamReader<TRequest>(requestStream, message => AuthorizeMessage(stream, message)), context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var stream = AuthorizeStream(context);
        return continuation(new AuthorizingStreamReader<TRequest>(requestStream, message => AuthorizeMessage(stream, message)), responseStream, context);
    }

    private void AuthorizeSingle(object request, ServerCallContext context)
    {
        var call = AuthorizeMethod(context, access => access.ReadTarget(request));
        var target = call.Access.ReadTarget(request);
        var decision = call.Access.HasTarget ? AccessPolicy.DecideTarget(call.Caller, target) : call.Granted;
        // An allow is recorded with the reason the method was granted (role or self access).
        Enforce(decision.Allowed ? call.Granted : decision, call.Caller, call.Access.RpcName, target);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var body = SecretRedactor.Format((Google.Protobuf.IMessage)request);
            Log.Request(logger, call.Access.RpcName, body);
        }

        Attach(context, call);
    }

    private AuthorizedCall AuthorizeStream(ServerCallContext context)
    {
        var call = AuthorizeMethod(context, _ => null);
        // Targets are checked per message; this records that the stream itself was opened.
        Record(call.Caller, call.Access.RpcName, null, AccessDecision.Allow(call.Granted.Reason + "; targets checked per message"));
        Attach(context, call);
        return call;
    }

    private void AuthorizeMessage(AuthorizedCall call, object message)
    {
        // The connection, certificate and sandbox may all have changed since the stream opened.
        Revalidate(call);
        if (!call.Access.HasTarget)
        {
            return;
        }

        var target = call.Access.ReadTarget(message);
        var decision = AccessPolicy.DecideTarget(call.Caller, target);
        // Allowed stream messages are not audited one by one: a log stream would flood the audit trail.
        if (!decision.Allowed)
        {
            Enforce(decision, call.Caller, call.Access.RpcName, target);
        }
    }

    private void Revalidate(AuthorizedCall call)
    {
        var now = authenticator.Revalidate(call.HttpContext, call.Authentication);
        if (now.Caller is null)
        {
            Record(null, call.Access.RpcName, null, AccessDecision.Deny(StatusCode.Unauthenticated, now.FailureReason!), now.SerialNumber);
            throw new RpcException(new Status(StatusCode.Unauthenticated, NotAccepted));
        }
    }

    private void Attach(ServerCallContext context, AuthorizedCall call)
    {
        context.UserState[CallerContext.Key] = call.Caller;
        if (call.Authentication.Incarnation is { } incarnation)
        {
            context.UserState[CallerContext.IncarnationKey] = incarnation;
        }

        context.UserState[CallerContext.RevalidateKey] = () => Revalidate(call);
    }

    private AuthorizedCall AuthorizeMethod(ServerCallContext context, Func<MethodAccess, string?> target)
    {
        var access = rules.Find(context.Method);
        if (access is null)
        {
            // Unreachable after the startup check; fail closed all the same.
            Record(null, context.Method, null, AccessDecision.Deny(StatusCode.PermissionDenied, "no access rule"));
            throw new RpcException(new Status(StatusCode.PermissionDenied, "no access rule for this RPC"));
        }

        var httpContext = context.GetHttpContext();
        var authentication = authenticator.Authenticate(httpContext);
        if (authentication.Caller is not { } caller)
        {
            var denied = AccessDecision.Deny(StatusCode.Unauthenticated, authentication.FailureReason!);
            Record(null, access.RpcName, target(access), denied, authentication.SerialNumber);
            throw new RpcException(new Status(StatusCode.Unauthenticated, NotAccepted));
        }

        if (!rateLimiter.TryAcquire(caller))
        {
            Enforce(AccessDecision.Deny(StatusCode.ResourceExhausted, "rate limit exceeded for this caller"), caller, access.RpcName, target(access));
        }

        var decision = policy.DecideMethod(caller, access);
        if (!decision.Allowed)
        {
            Enforce(decision, caller, access.RpcName, target(access));
        }

        return new AuthorizedCall(access, caller, decision, authentication, httpContext);
    }

    private void Enforce(AccessDecision decision, CallerIdentity caller, string rpc, string? target)
    {
        Record(caller, rpc, target, decision);
        if (!decision.Allowed)
        {
            Throw(decision);
        }
    }

    [DoesNotReturn]
    private static void Throw(AccessDecision decision) => throw new RpcException(new Status(decision.Code, decision.Reason));

    private void Record(CallerIdentity? caller, string rpc, string? target, AccessDecision decision, string? serial = null)
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
        // Fail closed: a decision that cannot be recorded is not carried out.
        audit.WriteOrRefuse(auditEvent, logger);
    }

    private sealed record AuthorizedCall(
        MethodAccess Access, CallerIdentity Caller, AccessDecision Granted, AuthenticationResult Authentication, HttpContext HttpContext);
}
