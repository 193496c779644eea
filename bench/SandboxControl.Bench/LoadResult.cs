using System.Diagnostics;

namespace SandboxControl.Bench;

/// <summary>The merged figures of one run.</summary>
internal sealed record LoadResult(
    string Label,
    string Target,
    string Rpc,
    int Connections,
    int ConcurrencyPerConnection,
    bool NewConnectionPerCall,
    int Sandboxes,
    double Seconds,
    long Calls,
    long Lines,
    double CallsPerSecond,
    double LinesPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    double MeanMs,
    IReadOnlyDictionary<string, long> Errors,
    ServerSample Server,
    double? ServerCpuSeconds,
    double? ClientCpuSeconds)
{
    /// <summary>Server CPU microseconds per successful call: the cost of one call independent of who else used the cores.</summary>
    public double? ServerCpuMicrosecondsPerCall => ServerCpuSeconds is { } cpu && Calls > 0 ? cpu * 1e6 / Calls : null;

    /// <summary>Connections held open during the run (none are held with a new connection per call).</summary>
    public double? ServerRssKibPerConnection => NewConnectionPerCall ? null : Server.RssKibPerConnection(Connections);

    public long ErrorCount => Errors.Values.Sum();

    public static LoadResult From(BenchOptions options, WorkerStats[] stats, TimeSpan elapsed, double? serverCpu, double? clientCpu, ServerSample server)
    {
        var latencies = new long[stats.Sum(worker => worker.LatencyTicks.Count)];
        var offset = 0;
        foreach (var worker in stats)
        {
            worker.LatencyTicks.CopyTo(latencies, offset);
            offset += worker.LatencyTicks.Count;
        }

        Array.Sort(latencies);
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (status, count) in stats.SelectMany(worker => worker.Errors))
        {
            var name = status.ToString();
            errors[name] = errors.GetValueOrDefault(name) + count;
        }

        var lines = stats.Sum(worker => worker.Lines);
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        return new LoadResult(
            options.Label,
            options.Target.ToString(),
            options.Rpc.ToString(),
            options.Connections,
            options.ConcurrencyPerConnection,
            options.NewConnectionPerCall,
            options.Sandboxes,
            seconds,
            latencies.Length,
            lines,
            latencies.Length / seconds,
            lines / seconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.90),
            Percentile(latencies, 0.99),
            Percentile(latencies, 0.999),
            latencies.Length == 0 ? 0 : Milliseconds(latencies[^1]),
            latencies.Length == 0 ? 0 : Milliseconds((long)latencies.Average()),
            errors,
            server,
            serverCpu,
            clientCpu);
    }

    private static double Percentile(long[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : Milliseconds(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)]);

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
