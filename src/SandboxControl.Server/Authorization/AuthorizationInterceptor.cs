using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Identity;
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

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        AuthorizeSingle(request, context);
        return continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var call = AuthorizeSingle(request, context);
        await RunServerStreamAsync(call, context, responseStream, (writer, guarded) => continuation(request, writer, guarded)).ConfigureAwait(false);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var stream = AuthorizeStream(context);
        return continuation(new AuthorizingStreamReader<TRequest>(requestStream, message => AuthorizeMessage(stream, message)), context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var stream = AuthorizeStream(context);
        var reader = new AuthorizingStreamReader<TRequest>(requestStream, message => AuthorizeMessage(stream, message));
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

        if (recheck.Failed)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, CallGateMiddleware.NotAccepted));
        }
    }

    private AuthorizedCall AuthorizeSingle(object request, ServerCallContext context)
    {
        var call = Consume(context);
        var access = call.Gate.Access;
        var target = access.ReadTarget(request);
        var decision = access.HasTarget ? AccessPolicy.DecideTarget(call.Gate.Caller, target) : call.Gate.Granted;
        // An allow is recorded with the reason the method was granted (role or self access).
        Enforce(decision.Allowed ? call.Gate.Granted : decision, call.Gate.Caller, access.RpcName, target);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var body = SecretRedactor.Format((Google.Protobuf.IMessage)request);
            Log.Request(logger, access.RpcName, body);
        }

        Attach(context, call);
        return call;
    }

    private AuthorizedCall AuthorizeStream(ServerCallContext context)
    {
        var call = Consume(context);
        // Targets are checked per message; this records that the stream itself was opened.
        recorder.Record(call.Gate.Caller, call.Gate.Access.RpcName, null, AccessDecision.Allow(call.Gate.Granted.Reason + "; targets checked per message"));
        Attach(context, call);
        return call;
    }

    private void AuthorizeMessage(AuthorizedCall call, object message)
    {
        // The connection, certificate and sandbox may all have changed since the stream opened.
        Revalidate(call);
        var caller = call.Gate.Caller;
        var access = call.Gate.Access;
        var target = access.ReadTarget(message);
        if (access.HasTarget)
        {
            var decision = AccessPolicy.DecideTarget(caller, target);
            // Allowed stream messages are not audited one by one: a log stream would flood the audit trail.
            if (!decision.Allowed)
            {
                Enforce(decision, caller, access.RpcName, target);
            }
        }

        // Each message is work: it is charged like a call, and its log lines against the line budget.
        var lines = MessageCost.LogLines(message);
        if (!rateLimiter.TryAcquire(caller) || !rateLimiter.TryAcquireLogLines(caller, Math.Max(1, lines)))
        {
            // The audit reason stays a fixed string (it is also a metric tag); the caller learns what was kept.
            recorder.Record(caller, access.RpcName, target, AccessDecision.Deny(StatusCode.ResourceExhausted, "rate limit exceeded for this caller (stream message)"));
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"rate limit exceeded for this caller; {call.AdmittedLines} lines of this stream's earlier messages were stored"));
        }

        call.AdmittedLines += lines;
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

        try
        {
            recorder.Record(null, call.Gate.Access.RpcName, null, AccessDecision.Deny(StatusCode.Unauthenticated, now.FailureReason!), now.SerialNumber);
        }
        catch (RpcException)
        {
            // Refused either way; the audit failure was logged by the sink.
        }

        return false;
    }

    private void Attach(ServerCallContext context, AuthorizedCall call)
    {
        context.UserState[CallerContext.Key] = call.Gate.Caller;
        if (call.Gate.Authentication.Incarnation is { } incarnation)
        {
            context.UserState[CallerContext.IncarnationKey] = incarnation;
        }

        context.UserState[CallerContext.RevalidateKey] = () => Revalidate(call);
    }

    private AuthorizedCall Consume(ServerCallContext context)
    {
        var httpContext = context.GetHttpContext();
        if (httpContext.Features.Get<GatedCall>() is not { } gate)
        {
            // Unreachable while the gate middleware is in the pipeline; fail closed all the same.
            recorder.Record(null, context.Method, null, AccessDecision.Deny(StatusCode.Unauthenticated, "call did not pass the authentication gate"));
            throw new RpcException(new Status(StatusCode.Unauthenticated, CallGateMiddleware.NotAccepted));
        }

        return new AuthorizedCall(gate, httpContext);
    }

    private void Enforce(AccessDecision decision, CallerIdentity caller, string rpc, string? target)
    {
        recorder.Record(caller, rpc, target, decision);
        if (!decision.Allowed)
        {
            Throw(decision);
        }
    }

    [DoesNotReturn]
    private static void Throw(AccessDecision decision) => throw new RpcException(new Status(decision.Code, decision.Reason));

    private sealed class AuthorizedCall(GatedCall gate, HttpContext httpContext)
    {
        public GatedCall Gate { get; } = gate;

        public HttpContext HttpContext { get; } = httpContext;

        /// <summary>Log lines of this client stream's messages handed to the handler (and so stored).</summary>
        public long AdmittedLines { get; set; }
    }
}
