using System.Globalization;

namespace SandboxControl.Bench;

/// <summary>Reads a process's memory and CPU time from /proc (Linux only; absent elsewhere).</summary>
internal static class ProcessStats
{
    private const double ClockTicksPerSecond = 100.0;

    /// <summary>Peak resident set (VmHWM) and current resident set (VmRSS) in MiB.</summary>
    public static (double? PeakMib, double? CurrentMib) Memory(int pid)
    {
        try
        {
            double? peak = null, current = null;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kib(line) / 1024.0;
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    current = Kib(line) / 1024.0;
                }
            }

            return (peak, current);
        }
        catch (IOException)
        {
            return (null, null);
        }
    }

    /// <summary>User + system CPU seconds consumed so far (utime + stime of /proc/PID/stat).</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces: fields are counted after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (utime + stime) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double Kib(string line) =>
        double.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}
