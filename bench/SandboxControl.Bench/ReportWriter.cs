using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SandboxControl.Bench;

/// <summary>Prints a result as a table and writes it as JSON.</summary>
internal static class ReportWriter
{
    public static string Table(LoadResult result)
    {
        var text = new StringBuilder();
        void Row(string name, string value) => text.Append(CultureInfo.InvariantCulture, $"  {name,-26} {value}\n");
        static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"{(result.Label.Length > 0 ? result.Label : "run")}: {result.Rpc} against {result.Target}\n");
        Row("connections x concurrency", $"{result.Connections} x {result.ConcurrencyPerConnection}{(result.NewConnectionPerCall ? " (new connection per call)" : "")}");
        Row("sandbox identities", result.Sandboxes.ToString(CultureInfo.InvariantCulture));
        Row("measured", $"{F(result.Seconds, "F1")} s, {result.Calls} calls, {result.ErrorCount} errors");
        Row("calls/s", F(result.CallsPerSecond, "F0"));
        if (result.Lines > 0)
        {
            Row("log lines/s", F(result.LinesPerSecond, "F0"));
        }

        Row("latency p50/p90/p99/p99.9", $"{F(result.P50Ms)} / {F(result.P90Ms)} / {F(result.P99Ms)} / {F(result.P999Ms)} ms (max {F(result.MaxMs)})");
        foreach (var (status, count) in result.Errors)
        {
            Row("error " + status, count.ToString(CultureInfo.InvariantCulture));
        }

        if (result.Server.PeakRssMib is { } peak)
        {
            Row("server RSS peak / idle / open", $"{F(peak, "F0")} / {F(result.Server.IdleRssMib ?? 0, "F0")} / {F(result.Server.OpenRssMib ?? 0, "F0")} MiB");
        }

        if (result.ServerRssKibPerConnection is { } perConnection)
        {
            Row("server RSS per connection", $"{F(perConnection, "F1")} KiB ((open - idle) / {result.Connections})");
        }

        if (result.ServerCpuSeconds is { } cpu)
        {
            Row("server CPU", $"{F(cpu, "F1")} s ({F(cpu / result.Seconds * 100, "F0")}% of one core), {F(result.ServerCpuMicrosecondsPerCall ?? 0, "F0")} us/call");
        }

        if (result.ClientCpuSeconds is { } client)
        {
            Row("load generator CPU", $"{F(client, "F1")} s ({F(client / result.Seconds * 100, "F0")}% of one core)");
        }

        return text.ToString();
    }

    public static void WriteJson(string path, LoadResult result)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("label", result.Label);
        json.WriteString("target", result.Target);
        json.WriteString("rpc", result.Rpc);
        json.WriteNumber("connections", result.Connections);
        json.WriteNumber("concurrencyPerConnection", result.ConcurrencyPerConnection);
        json.WriteBoolean("newConnectionPerCall", result.NewConnectionPerCall);
        json.WriteNumber("sandboxes", result.Sandboxes);
        json.WriteNumber("seconds", Math.Round(result.Seconds, 3));
        json.WriteNumber("calls", result.Calls);
        json.WriteNumber("lines", result.Lines);
        json.WriteNumber("callsPerSecond", Math.Round(result.CallsPerSecond, 1));
        json.WriteNumber("linesPerSecond", Math.Round(result.LinesPerSecond, 1));
        json.WriteStartObject("latencyMs");
        json.WriteNumber("p50", Math.Round(result.P50Ms, 3));
        json.WriteNumber("p90", Math.Round(result.P90Ms, 3));
        json.WriteNumber("p99", Math.Round(result.P99Ms, 3));
        json.WriteNumber("p999", Math.Round(result.P999Ms, 3));
        json.WriteNumber("max", Math.Round(result.MaxMs, 3));
        json.WriteNumber("mean", Math.Round(result.MeanMs, 3));
        json.WriteEndObject();
        json.WriteStartObject("errors");
        foreach (var (status, count) in result.Errors)
        {
            json.WriteNumber(status, count);
        }

        json.WriteEndObject();
        WriteNullable(json, "serverPeakRssMib", result.Server.PeakRssMib);
        WriteNullable(json, "serverIdleRssMib", result.Server.IdleRssMib);
        WriteNullable(json, "serverOpenRssMib", result.Server.OpenRssMib);
        WriteNullable(json, "serverRssKibPerConnection", result.ServerRssKibPerConnection);
        WriteNullable(json, "loadAverage1m", result.Server.LoadAverage);
        WriteNullable(json, "serverCpuSeconds", result.ServerCpuSeconds);
        WriteNullable(json, "serverCpuMicrosecondsPerCall", result.ServerCpuMicrosecondsPerCall);
        WriteNullable(json, "clientCpuSeconds", result.ClientCpuSeconds);
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, Math.Round(number, 2));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
