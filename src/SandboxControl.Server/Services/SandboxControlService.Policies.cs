using System.Diagnostics.CodeAnalysis;
using System.Text;
using Grpc.Core;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Metrics;
using SandboxControl.Server.Storage;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

internal sealed partial class SandboxControlService
{
    private const int MaxStatusMessageChars = 4096;

    public override async Task<SandboxPolicy> GetSandboxPolicy(GetSandboxPolicyRequest request, ServerCallContext context)
    {
        var stage = StageTiming.Start();
        var policy = await policyCache.GetCurrentPolicyAsync(request.SandboxId, context.GetPinnedIncarnation(), context.CancellationToken).ConfigureAwait(false);
        StageTiming.Stop(Stage.CacheRead, stage);
        if (policy is null)
        {
            ThrowMissingPolicy(request.SandboxId);
        }

        stage = StageTiming.Start();
        var response = policy.ToProto();
        StageTiming.Stop(Stage.Response, stage);
        return response;
    }

    public override async Task<SandboxPolicy> UpdateSandboxPolicy(UpdateSandboxPolicyRequest request, ServerCallContext context)
    {
        if (request.ExpectedVersion < 0)
        {
            RpcErrors.InvalidArgument("expected_version must not be negative");
        }

        ValidatePolicyDocument(request.Document);
        var result = await store.UpdatePolicyAsync(
            request.SandboxId, request.ExpectedVersion, request.Document, context.GetCaller().ToString(), context.CancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            PolicyUpdateOutcome.Updated => result.Policy!.ToProto(),
            PolicyUpdateOutcome.Unchanged => Unchanged(result.Policy!.ToProto()),
            PolicyUpdateOutcome.StaleVersion => throw Stale(request.ExpectedVersion, result.CurrentVersion),
            _ => throw NotFound(request.SandboxId),
        };
    }

    public override async Task<ListSandboxPoliciesResponse> ListSandboxPolicies(ListSandboxPoliciesRequest request, ServerCallContext context)
    {
        if (!SandboxExists(request.SandboxId))
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        var history = await store.ListPoliciesAsync(request.SandboxId, context.CancellationToken).ConfigureAwait(false);
        var response = new ListSandboxPoliciesResponse();
        response.Policies.AddRange(history.Select(entry => new PolicyHistoryEntry { Policy = entry.Policy.ToProto(), Status = entry.State.ToProto() }));
        return response;
    }

    public override async Task<PolicyStatusReport> ReportPolicyStatus(ReportPolicyStatusRequest request, ServerCallContext context)
    {
        var state = request.Status switch
        {
            PolicyStatus.Loaded => PolicyState.Loaded,
            PolicyStatus.Failed => PolicyState.Failed,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "status must be LOADED or FAILED")),
        };
        if (request.Version <= 0)
        {
            RpcErrors.InvalidArgument("version must be positive");
        }

        if (request.Message.Length > MaxStatusMessageChars)
        {
            RpcErrors.InvalidArgument($"message must be at most {MaxStatusMessageChars} characters");
        }

        var result = await store.ReportPolicyStatusAsync(request.SandboxId, context.GetPinnedIncarnation(), request.Version, state, request.Message, context.CancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            StatusReportOutcome.Recorded => result.Status!.ToProto(),
            StatusReportOutcome.StaleVersion => throw Stale(request.Version, result.CurrentVersion),
            StatusReportOutcome.NoPolicy => throw new RpcException(new Status(StatusCode.FailedPrecondition, "sandbox has no policy to report on")),
            _ => throw NotFound(request.SandboxId),
        };
    }

    public override async Task<PolicyStatusReport> GetSandboxPolicyStatus(GetSandboxPolicyStatusRequest request, ServerCallContext context)
    {
        var status = await store.GetPolicyStatusAsync(request.SandboxId, context.GetPinnedIncarnation(), context.CancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        return status.ToProto();
    }

    private void ValidatePolicyDocument(string document)
    {
        if (string.IsNullOrWhiteSpace(document))
        {
            RpcErrors.InvalidArgument("policy document must not be empty");
        }

        if (Encoding.UTF8.GetByteCount(document) > _limits.MaxPolicyBytes)
        {
            RpcErrors.InvalidArgument($"policy document exceeds {_limits.MaxPolicyBytes} bytes");
        }

        // Format and schema at every entry point, so a document the sandbox cannot load is never stored or served.
        if (policyValidator.Check(document).Problem is { } problem)
        {
            RpcErrors.InvalidArgument(problem);
        }
    }

    private static SandboxPolicy Unchanged(SandboxPolicy current)
    {
        current.Unchanged = true;
        return current;
    }

    [DoesNotReturn]
    private void ThrowMissingPolicy(string sandboxId)
    {
        if (!SandboxExists(sandboxId))
        {
            RpcErrors.NotFound(sandboxId);
        }

        RpcErrors.NotFoundWhat($"sandbox '{sandboxId}' has no policy yet");
    }

    private static RpcException Stale(long given, long current) =>
        new(new Status(StatusCode.Aborted, $"stale policy version {given}: the current version is {current}"));

    private static RpcException NotFound(string sandboxId) =>
        new(new Status(StatusCode.NotFound, $"sandbox '{sandboxId}' not found"));
}
