using Grpc.AspNetCore.Server;
using Grpc.Core;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Limits;
using SandboxControl.Server.Metrics;
using SandboxControl.Server.RequestParsing;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// Decides who is calling, whether the RPC's rule admits them, their rate budget and stream caps
/// before grpc-dotnet's handler reads the body: a refused caller's bytes are never deserialized.
/// Each refusal is one audit event and a proper gRPC status; the decision is handed to the interceptor.
/// </summary>
internal sealed class CallGateMiddleware(
    RequestDelegate next,
    AccessRuleTable rules,
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    CallerRateLimiter rateLimiter,
    CallLimiter calls,
    DecisionRecorder recorder,
    ILogger<CallGateMiddleware> logger)
{
    // Same text for every authentication failure: the reason goes to the audit log only, so an old
    // certificate cannot learn whether its sandbox id was deleted or reused.
    public const string NotAccepted = "client certificate not accepted";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not { } grpc)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var started = StageTiming.Start();
        var (refusal, call, lease) = await DecideAsync(context, grpc.Method).ConfigureAwait(false);
        StageTiming.Stop(Stage.Gate, started);
        if (refusal is { } status)
        {
            await GrpcRefusal.WriteAsync(context, status.StatusCode, status.Detail).ConfigureAwait(false);
            return;
        }

        using (lease)
        {
            context.Features.Set(call);
            // Not reset afterwards: an async method's AsyncLocal changes end with it, and a reset costs an allocation.
            RequestBodyScope.Current = call;
            await next(context).ConfigureAwait(false);
        }

        StageTiming.Stop(Stage.Call, started);

        if (call!.BodyInvalid)
        {
            await RecordInvalidBodyAsync(call).ConfigureAwait(false);
        }
    }

    private async ValueTask<(Status? Refusal, GatedCall? Call, IDisposable? Lease)> DecideAsync(HttpContext context, IMethod method)
    {
        IDisposable? lease = null;
        try
        {
            var stage = StageTiming.Start();
            var access = rules.Find(method.FullName);
            StageTiming.Stop(Stage.RuleLookup, stage);
            if (access is null)
            {
                // Unreachable after the startup coverage check; fail closed all the same.
                await recorder.RecordAsync(null, method.FullName, null, AccessDecision.Deny(StatusCode.PermissionDenied, "no access rule")).ConfigureAwait(false);
                return (new Status(StatusCode.PermissionDenied, "no access rule for this RPC"), null, null);
            }

            stage = StageTiming.Start();
            var authentication = authenticator.Authenticate(context);
            StageTiming.Stop(Stage.Identity, stage);
            if (authentication.Caller is not { } caller)
            {
                await recorder.RecordAsync(null, access.RpcName, null, AccessDecision.Deny(StatusCode.Unauthenticated, authentication.FailureReason!), authentication.SerialNumber).ConfigureAwait(false);
                return (new Status(StatusCode.Unauthenticated, NotAccepted), null, null);
            }

            stage = StageTiming.Start();
            var decision = policy.DecideMethod(caller, access);
            StageTiming.Stop(Stage.RuleLookup, stage);
            stage = StageTiming.Start();
            if (decision.Allowed && !rateLimiter.TryAcquire(caller))
            {
                decision = AccessDecision.Deny(StatusCode.ResourceExhausted, "rate limit exceeded for this caller");
            }

            StageTiming.Stop(Stage.RateLimiter, stage);

            // Every call, per caller: a slow body, a push that never sends and a read nobody reads each hold their place.
            if (decision.Allowed)
            {
                var kind = method.Type switch
                {
                    MethodType.Unary => CallKind.Unary,
                    MethodType.ClientStreaming => CallKind.PushStream,
                    _ => CallKind.ServerStream,
                };
                lease = calls.TryAcquire(caller.ToString(), caller.Kind == CallerKind.Operator, kind, out var capped);
                if (lease is null)
                {
                    decision = AccessDecision.Deny(StatusCode.ResourceExhausted, capped!);
                }
            }

            if (!decision.Allowed)
            {
                lease?.Dispose();
                await recorder.RecordAsync(caller, access.RpcName, null, decision).ConfigureAwait(false);
                return (new Status(decision.Code, decision.Reason), null, null);
            }

            return (null, new GatedCall(access, caller, decision, authentication), lease);
        }
        catch (RpcException ex)
        {
            // The audit could not be written: the call is refused, not served unrecorded.
            lease?.Dispose();
            return (ex.Status, null, null);
        }
    }

    private async Task RecordInvalidBodyAsync(GatedCall call)
    {
        Log.InvalidRequestBody(logger, call.Access.RpcName, call.Caller.ToString());
        try
        {
            await recorder.RecordAsync(call.Caller, call.Access.RpcName, null, AccessDecision.Deny(StatusCode.InvalidArgument, GuardedMarshaller.InvalidBodyMessage)).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // Already answered InvalidArgument; the audit failure itself was logged by the sink.
        }
    }
}
