using Grpc.Core;

namespace SandboxControl.Bench;

/// <summary>What one worker measured; merged after the run so the hot loop shares nothing.</summary>
internal sealed class WorkerStats
{
    public List<long> LatencyTicks { get; } = new(4096);

    public Dictionary<StatusCode, long> Errors { get; } = [];

    public long Lines { get; set; }

    public void Error(StatusCode status) => Errors[status] = Errors.GetValueOrDefault(status) + 1;
}
