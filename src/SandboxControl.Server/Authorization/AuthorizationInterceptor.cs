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

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeSingleAsync(request, context).ConfigureAwait(false);
        return await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeSingleAsync(request, context).ConfigureAwait(false);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var stream = await AuthorizeStreamAsync(context).ConfigureAwait(false);
        return await continuation(new AuthorizingStreamReader<TRequest>(requestStream, message => AuthorizeMessageAsync(stream, message)), context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var stream = await AuthorizeStreamAsync(context).ConfigureAwait(false);
        await continuation(new AuthorizingStreamReader<TRequest>(requestStream, message => AuthorizeMessageAsync(stream, message)), responseStream, context).ConfigureAwait(false);
    }

    private async Task AuthorizeSingleAsync(object request, ServerCallContext context)
    {
        var call = await AuthorizeMethodAsync(context, access => access.ReadTarget(request)).ConfigureAwait(false);
        var target = call.Access.ReadTarget(request);
        var decision = call.Access.HasTarget ? AccessPolicy.DecideTarget(call.Caller, target) : call.Granted;
        // An allow is recorded with the reason the method was granted (role or self access).
        await EnforceAsync(decision.Allowed ? call.Granted : decision, call.Caller, call.Access.RpcName, target).ConfigureAwait(false);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var body = SecretRedactor.Format((Google.Protobuf.IMessage)request);
            Log.Request(logger, call.Access.RpcName, body);
        }

        Attach(context, call);
    }

    private async Task<AuthorizedCall> AuthorizeStreamAsync(ServerCallContext context)
    {
        var call = await AuthorizeMethodAsync(context, _ => null).ConfigureAwait(false);
        // Targets are checked per message; this records that the stream itself was opened.
        await RecordAsync(call.Caller, call.Access.RpcName, null, AccessDecision.Allow(call.Granted.Reason + "; targets checked per message")).ConfigureAwait(false);
        Attach(context, call);
        return call;
    }

    private async Task AuthorizeMessageAsync(AuthorizedCall call, object message)
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
            await EnforceAsync(decision, call.Caller, call.Access.RpcName, target).ConfigureAwait(false);
        }
    }

    private void Revalidate(AuthorizedCall call)
    {
        var now = authenticator.Revalidate(call.HttpContext, call.Authentication);
        if (now.Caller is null)
        {
            // Called synchronously from handlers; a refusal needs no durable record before it is carried out.
            RecordDenialInBackground(null, call.Access.RpcName, null, AccessDecision.Deny(StatusCode.Unauthenticated, now.FailureReason!), now.SerialNumber);
            throw new RpcException(new Status(StatusCode.Unauthenticated, NotAccepted));
        }
    }

    private void Attach(ServerCallContext context, AuthorizedCall call)
    {
        context.UserState[CallerContext.Key] = call.Caller;
        context.UserState[CallerContext.RevalidateKey] = () => Revalidate(call);
    }

    private async Task<AuthorizedCall> AuthorizeMethodAsync(ServerCallContext context, Func<MethodAccess, string?> target)
    {
        var access = rules.Find(context.Method);
        if (access is null)
        {
            // Unreachable after the startup check; fail closed all the same.
            await RecordAsync(null, context.Method, null, AccessDecision.Deny(StatusCode.PermissionDenied, "no access rule")).ConfigureAwait(false);
            throw new RpcException(new Status(StatusCode.PermissionDenied, "no access rule for this RPC"));
        }

        var httpContext = context.GetHttpContext();
        var authentication = authenticator.Authenticate(httpContext);
        if (authentication.Caller is not { } caller)
        {
            var denied = AccessDecision.Deny(StatusCode.Unauthenticated, authentication.FailureReason!);
            await RecordAsync(null, access.RpcName, target(access), denied, authentication.SerialNumber).ConfigureAwait(false);
            throw new RpcException(new Status(StatusCode.Unauthenticated, NotAccepted));
        }

        if (!rateLimiter.TryAcquire(caller))
        {
            await EnforceAsync(AccessDecision.Deny(StatusCode.ResourceExhausted, "rate limit exceeded for this caller"), caller, access.RpcName, target(access)).ConfigureAwait(false);
        }

        var decision = policy.DecideMethod(caller, access);
        if (!decision.Allowed)
        {
            await EnforceAsync(decision, caller, access.RpcName, target(access)).ConfigureAwait(false);
        }

        return new AuthorizedCall(access, caller, decision, authentication, httpContext);
    }

    private async Task EnforceAsync(AccessDecision decision, CallerIdentity caller, string rpc, string? target)
    {
        await RecordAsync(caller, rpc, target, decision).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            Throw(decision);
        }
    }

    [DoesNotReturn]
    private static void Throw(AccessDecision decision) => throw new RpcException(new Status(decision.Code, decision.Reason));

    private void RecordDenialInBackground(CallerIdentity? caller, string rpc, string? target, AccessDecision decision, string? serial) =>
        _ = RecordAsync(caller, rpc, target, decision, serial).ContinueWith(
            static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private Task RecordAsync(CallerIdentity? caller, string rpc, string? target, AccessDecision decision, string? serial = null)
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

    private sealed record AuthorizedCall(
        MethodAccess Access, CallerIdentity Caller, AccessDecision Granted, AuthenticationResult Authentication, HttpContext HttpContext);
}
