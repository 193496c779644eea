using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SandboxControl.Server.Policies;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

/// <summary>Looking before writing (validate and diff) and the fleet's rollout view. Both read only.</summary>
internal sealed partial class SandboxControlService
{
    private const int DefaultRolloutPageSize = 500;

    public override async Task<ValidateSandboxPolicyResponse> ValidateSandboxPolicy(ValidateSandboxPolicyRequest request, ServerCallContext context)
    {
        ValidatePolicyDocument(request.Document);
        var response = new ValidateSandboxPolicyResponse { SandboxId = request.SandboxId, SandboxExists = SandboxExists(request.SandboxId) };
        var current = response.SandboxExists
            ? await store.GetCurrentPolicyAsync(request.SandboxId, context.CancellationToken).ConfigureAwait(false)
            : null;
        response.CurrentVersion = current?.Version ?? 0;
        response.Unchanged = current is not null && string.Equals(current.Document, request.Document, StringComparison.Ordinal);
        if (!response.Unchanged)
        {
            var from = current is null ? "(none)" : $"{request.SandboxId} version {current.Version}";
            response.Diff = UnifiedDiff.Create(current?.Document ?? string.Empty, request.Document, from, $"{request.SandboxId} proposed");
        }

        return response;
    }

    public override async Task<ListPolicyRolloutResponse> ListPolicyRollout(ListPolicyRolloutRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            RpcErrors.InvalidArgument($"page_size must be between 0 and {MaxPageSize}");
        }

        var pageSize = request.PageSize == 0 ? DefaultRolloutPageSize : request.PageSize;
        var after = DecodePageToken(request.PageToken);
        var now = time.GetUtcNow();
        // One extra row tells whether another page exists.
        var rows = await store.ListPolicyRolloutAsync(after, pageSize + 1, context.CancellationToken).ConfigureAwait(false);
        var response = new ListPolicyRolloutResponse { ServerTime = Timestamp.FromDateTimeOffset(now) };
        response.Entries.AddRange(rows.Take(pageSize).Select(row => new PolicyRolloutEntry
        {
            SandboxId = row.SandboxId,
            Version = row.Version,
            Status = row.State.ToProto(),
            ActiveVersion = row.ActiveVersion,
            Since = Timestamp.FromDateTimeOffset(row.Since),
            Message = row.Message,
        }));
        if (rows.Count > pageSize)
        {
            response.NextPageToken = EncodePageToken(rows[pageSize - 1].SandboxId);
        }

        return response;
    }
}
