using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Metrics;
using SandboxControl.Server.Services;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// Completes the decision <see cref="CallGateMiddleware"/> made before the body was parsed: the
/// body-dependent sandbox_id check, per message for client streams (each message also charged to the
/// caller's budget), and periodic re-checks and write timeouts for server streams. All four handler
/// kinds are overridden, because the base Interceptor lets anything not overridden straight through.
/// Every decision, allow or deny, is audited; if the audit cannot be written the call is refused.
/// </summary>
internal sealed class AuthorizationInterceptor(
    CallerAuthenticator authenticator,
    CallerRateLimiter rateLimiter,
    DecisionRecorder recorder,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    ILogger<AuthorizationInterceptor> logger) : Interceptor
{
    private readonly TimeSpan _writeTimeout = limits.Value.StreamWriteTimeout;
    private readonly TimeSpan _recheckInterval = limits.Value.StreamRecheckInterval;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeSingleAsync(request, context).ConfigureAwait(false);
        return await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var call = await AuthorizeSingleAsync(request, context).ConfigureAwait(false);
        await RunServerStreamAsync(call, context, responseStream, (writer, guarded) => continuation(request, writer, guarded)).ConfigureAwait(false);
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
        var reader = new AuthorizingStreamReader<TRequest>(requestStream, message => AuthorizeMessageAsync(stream, message));
        await RunServerStreamAsync(stream, context, responseStream, (writer, guarded) => continuation(reader, writer, guarded)).ConfigureAwait(false);
    }

    private async Task RunServerStreamAsync<TResponse>(
        AuthorizedCall call, ServerCallContext context, IServerStreamWriter<TResponse> responseStream, Func<IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
    {
        using var recheck = new StreamRecheck(time, _recheckInterval, () => StillValid(call), context.CancellationToken);
        var writer = new TimedStreamWriter<TResponse>(responseStream, _writeTimeout, () =>
        {
            Log.StreamWriteTimedOut(logger, call.Gate.Access.RpcName, call.Gate.Caller.ToString(), _writeTimeout);
            call.HttpContext.Abort();
        });
        try
        {
            await handler(writer, new DelegatingCallContext(context, call.HttpContext, recheck.Token)).ConfigureAwait(false);
        }
        catch (Exception ex) when (recheck.Failed && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // Reported below as what it is: the caller is no longer accepted.
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated && call.RefusalRecorded is { } recorded)
        {
            // A handler's own re-check refused the caller.
            await recorded.ConfigureAwait(false);
            throw;
        }

        if (recheck.Failed)
        {
            await RefuseOnceRecordedAsync(call).ConfigureAwait(false);
        }
    }

    private async Task<AuthorizedCall> AuthorizeSingleAsync(object request, ServerCallContext context)
    {
        var call = Consume(context) ?? await RefuseUngatedAsync(context).ConfigureAwait(false);
        var access = call.Gate.Access;
        var stage = StageTiming.Start();
        var target = access.ReadTarget(request);
        var decision = access.HasTarget ? AccessPolicy.DecideTarget(call.Gate.Caller, target) : call.Gate.Granted;
        StageTiming.Stop(Stage.TargetRead, stage);
        // An allow is recorded with the reason the method was granted (role or self access). Awaited here, not through
        // EnforceAsync: one async level less on every call.
        stage = StageTiming.Start();
        var recorded = recorder.RecordAsync(call.Gate.Caller, access.RpcName, target, decision.Allowed ? call.Gate.Granted : decision);
        StageTiming.Stop(Stage.AuditEnqueue, stage);
        stage = StageTiming.Start();
        await recorded.ConfigureAwait(false);
        StageTiming.Stop(Stage.AuditWait, stage);
        if (!decision.Allowed)
        {
            Throw(decision);
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            var body = SecretRedactor.Format((Google.Protobuf.IMessage)request);
            Log.Request(logger, access.RpcName, body);
        }

        Attach(call);
        return call;
    }

    private async Task<AuthorizedCall> AuthorizeStreamAsync(ServerCallContext context)
    {
        var call = Consume(context) ?? await RefuseUngatedAsync(context).ConfigureAwait(false);
        // Targets are checked per message; this records that the stream itself was opened.
        await recorder.RecordAsync(call.Gate.Caller, call.Gate.Access.RpcName, null, AccessDecision.Allow(call.Gate.Granted.Reason + "; targets checked per message")).ConfigureAwait(false);
        Attach(call);
        return call;
    }

    private async Task AuthorizeMessageAsync(AuthorizedCall call, object message)
    {
        // The connection, certificate and sandbox may all have changed since the stream opened.
        if (!StillValid(call))
        {
            await RefuseOnceRecordedAsync(call).ConfigureAwait(false);
        }

        var caller = call.Gate.Caller;
        var access = call.Gate.Access;
        var target = access.ReadTarget(message);
        if (access.HasTarget)
        {
            var decision = AccessPolicy.DecideTarget(caller, target);
            // Allowed stream messages are not audited one by one: a log stream would flood the audit trail.
            if (!decision.Allowed)
            {
                await EnforceAsync(decision, caller, access.RpcName, target).ConfigureAwait(false);
            }
        }

        // Each message is work: it is charged like a call, and its log lines against the line budget.
        var lines = MessageCost.LogLines(message);
        if (!rateLimiter.TryAcquire(caller) || !rateLimiter.TryAcquireLogLines(caller, Math.Max(1, lines)))
        {
            // The audit reason stays a fixed string (it is also a metric tag); the caller learns what was kept.
            await recorder.RecordAsync(caller, access.RpcName, target, AccessDecision.Deny(StatusCode.ResourceExhausted, "rate limit exceeded for this caller (stream message)")).ConfigureAwait(false);
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"rate limit exceeded for this caller; {call.AdmittedLines} lines of this stream's earlier messages were stored"));
        }

        call.AdmittedLines += lines;
    }

    // The caller learns it is no longer accepted only once the refusal is in the audit trail (or could not be written).
    private static async Task RefuseOnceRecordedAsync(AuthorizedCall call)
    {
        await call.RefusalRecorded!.ConfigureAwait(false);
        throw new RpcException(new Status(StatusCode.Unauthenticated, CallGateMiddleware.NotAccepted));
    }

    private void Revalidate(AuthorizedCall call)
    {
        if (!StillValid(call))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, CallGateMiddleware.NotAccepted));
        }
    }

    private bool StillValid(AuthorizedCall call)
    {
        var now = authenticator.Revalidate(call.HttpContext, call.Gate.Authentication);
        if (now.Caller is not null)
        {
            return true;
        }

        // Called synchronously from handlers and the recheck timer, so the record is started here and awaited where the
        // call ends. Recorded once per call: the timer and the handler may both see the change.
        lock (call)
        {
            call.RefusalRecorded ??= RecordRefusalAsync(now);
        }

        return false;

        async Task RecordRefusalAsync(AuthenticationResult refused)
        {
            try
            {
                await recorder.RecordAsync(null, call.Gate.Access.RpcName, null, AccessDecision.Deny(StatusCode.Unauthenticated, refused.FailureReason!), refused.SerialNumber).ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // The refusal stands whether or not its event could be written.
            }
        }
    }

    // Only now, with every check passed, can handlers read the caller (CallerContext).
    private static void Attach(AuthorizedCall call) => call.HttpContext.Features.Set<AuthorizedCaller>(call);

    private AuthorizedCall? Consume(ServerCallContext context)
    {
        var httpContext = context.GetHttpContext();
        return httpContext.Features.Get<GatedCall>() is { } gate ? new AuthorizedCall(this, gate, httpContext) : null;
    }

    private async Task<AuthorizedCall> RefuseUngatedAsync(ServerCallContext context)
    {
        // Unreachable while the gate middleware is in the pipeline; fail closed all the same.
        await recorder.RecordAsync(null, context.Method, null, AccessDecision.Deny(StatusCode.Unauthenticated, "call did not pass the authentication gate")).ConfigureAwait(false);
        throw new RpcException(new Status(StatusCode.Unauthenticated, CallGateMiddleware.NotAccepted));
    }

    private async Task EnforceAsync(AccessDecision decision, CallerIdentity caller, string rpc, string? target)
    {
        await recorder.RecordAsync(caller, rpc, target, decision).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            Throw(decision);
        }
    }

    [DoesNotReturn]
    private static void Throw(AccessDecision decision) => throw new RpcException(new Status(decision.Code, decision.Reason));

    private sealed class AuthorizedCall(AuthorizationInterceptor interceptor, GatedCall gate, HttpContext httpContext) : AuthorizedCaller
    {
        public GatedCall Gate { get; } = gate;

        public override CallerIdentity Caller => Gate.Caller;

        public override string? Incarnation => Gate.Authentication.Incarnation;

        public HttpContext HttpContext { get; } = httpContext;

        /// <summary>Log lines of this client stream's messages handed to the handler (and so stored).</summary>
        public long AdmittedLines { get; set; }

        /// <summary>Set when a re-check refused the caller: completes once that refusal is recorded.</summary>
        public Task? RefusalRecorded { get; set; }

        public override void EnsureStillValid() => interceptor.Revalidate(this);
    }
}
