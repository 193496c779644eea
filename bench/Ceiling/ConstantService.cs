using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SandboxControl.V1;

namespace SandboxControl.Bench.Ceiling;

/// <summary>
/// The framework ceiling: the same proto with constant answers, no identity, no authorization, no
/// store. RPCs not overridden here answer Unimplemented.
/// </summary>
internal sealed class ConstantService(CeilingSettings settings) : V1.SandboxControl.SandboxControlBase
{
    private readonly SandboxPolicy _policy = new()
    {
        Version = 1,
        Document = Document(settings.PolicyBytes),
        CreatedAt = Timestamp.FromDateTime(DateTime.UtcNow),
        CreatedBy = "bench",
    };

    public override Task<SandboxPolicy> GetSandboxPolicy(GetSandboxPolicyRequest request, ServerCallContext context)
    {
        var policy = _policy.Clone();
        policy.SandboxId = request.SandboxId;
        return Task.FromResult(policy);
    }

    public override async Task<PushSandboxLogsResponse> PushSandboxLogs(IAsyncStreamReader<PushSandboxLogsRequest> requestStream, ServerCallContext context)
    {
        long lines = 0;
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
        {
            lines += message.Lines.Count;
        }

        return new PushSandboxLogsResponse { AcceptedLines = lines };
    }

    // Same generator as the load tool's seed, so every target answers with a document of the same size.
    private static string Document(int bytes)
    {
        var text = new StringBuilder("# bench policy\nnetwork:\n  egress:\n");
        var rule = 0;
        while (text.Length < bytes)
        {
            text.Append("    - host: allowed-").Append(rule++).Append(".example.internal\n");
        }

        return text.ToString(0, Math.Max(bytes, 1));
    }
}
