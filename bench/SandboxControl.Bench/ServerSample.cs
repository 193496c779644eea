namespace SandboxControl.Bench;

/// <summary>
/// The server's resident memory around a run: before the run's connections open (after a short warm-up on one
/// connection, so JIT and pools are not counted per connection), with every connection still open, and the peak.
/// </summary>
internal sealed record ServerSample(double? IdleRssMib, double? OpenRssMib, double? PeakRssMib, double? LoadAverage)
{
    /// <summary>(RSS with the connections open − idle RSS) / connections, in KiB.</summary>
    public double? RssKibPerConnection(int connections) =>
        IdleRssMib is { } idle && OpenRssMib is { } open && connections > 0 ? (open - idle) * 1024 / connections : null;

    /// <summary>The 1-minute load average from /proc/loadavg (who else used the cores), or null.</summary>
    public static double? ReadLoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
