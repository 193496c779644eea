using System.Diagnostics;
using System.Globalization;

namespace SandboxControl.Server.Metrics;

/// <summary>
/// Bench-only: wall time of each stage of the authorized path, summed over all calls, when the environment variable
/// SANDBOXCONTROL_STAGE_TIMING=1 is set at start; printed to standard error at exit (bench/README.md uses it for
/// its per-stage breakdown). Off, each stage costs one static readonly check that the JIT folds away.
/// </summary>
internal static class StageTiming
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("SANDBOXCONTROL_STAGE_TIMING") == "1";

    private static readonly string[] Names = Enum.GetNames<Stage>();
    private static readonly long[] Ticks = new long[Names.Length];
    private static readonly long[] Counts = new long[Names.Length];

    /// <summary>When enabled, prints the report to standard error as the process exits.</summary>
    public static void ReportAtExit()
    {
        if (Enabled)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Console.Error.Write(Report());
        }
    }

    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    public static void Stop(Stage stage, long started)
    {
        if (!Enabled)
        {
            return;
        }

        Interlocked.Add(ref Ticks[(int)stage], Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref Counts[(int)stage]);
    }

    public static string Report()
    {
        var calls = Math.Max(1, Volatile.Read(ref Counts[(int)Stage.Call]));
        var text = new System.Text.StringBuilder("stage timing: stage, us per call, us per occurrence, occurrences\n");
        for (var i = 0; i < Names.Length; i++)
        {
            var count = Volatile.Read(ref Counts[i]);
            var micros = Volatile.Read(ref Ticks[i]) * 1e6 / Stopwatch.Frequency;
            text.Append(CultureInfo.InvariantCulture, $"  {Names[i],-14} {micros / calls,8:F2} {(count == 0 ? 0 : micros / count),8:F2} {count,10}\n");
        }

        return text.ToString();
    }
}

/// <summary>The stages <see cref="StageTiming"/> separates.</summary>
internal enum Stage
{
    /// <summary>The whole gate middleware decision (rule lookup, identity, method rule, limits).</summary>
    Gate,
    RuleLookup,
    Identity,
    RateLimiter,
    TargetRead,
    /// <summary>Building and queueing the audit event (serialization included), on the call's thread.</summary>
    AuditEnqueue,
    /// <summary>One batch's write and fsync on the audit writer thread; per batch, not per call.</summary>
    AuditBatch,
    /// <summary>From queueing the event until the call resumes after its batch was durable (wall time).</summary>
    AuditWait,
    CacheRead,
    Response,
    /// <summary>From the gate's start to the handler's end, per call (wall time, includes waiting).</summary>
    Call,
}
