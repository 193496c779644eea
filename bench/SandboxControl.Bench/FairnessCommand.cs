using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using SandboxControl.Pki;
using SandboxControl.V1;
using ControlClient = SandboxControl.V1.SandboxControl.SandboxControlClient;

namespace SandboxControl.Bench;

/// <summary>
/// Scenario (e): victims (other sandboxes reporting policy status, an operator updating policies) are
/// measured alone, then again while one sandbox floods PushSandboxLogs on many streams, in the same run.
/// </summary>
internal static partial class FairnessCommand
{
    private const string Flooder = "fair-flood";
    private const string OperatorSandbox = "fair-op";

    // NaN stands for "no call completed" in a phase; camelCase like the run command's JSON.
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<int> RunAsync(BenchOptions options)
    {
        if (options.CaCertificatePath is null || options.IssuerCertificatePath is null || options.IssuerKeyPath is null
            || options.OperatorCertificatePath is null || options.OperatorKeyPath is null)
        {
            throw new ArgumentException("fairness needs --ca-cert, --issuer-cert, --issuer-key, --operator-cert and --operator-key");
        }

        using var issuerCertificate = PemFiles.LoadCertificateWithKey(options.IssuerCertificatePath, options.IssuerKeyPath);
        using var operatorCertificate = PemFiles.LoadCertificateWithKey(options.OperatorCertificatePath, options.OperatorKeyPath);
        var factory = new ChannelFactory(options.Target, Identities.LoadCas(options.CaCertificatePath));
        var victims = Enumerable.Range(0, options.Sandboxes).Select(i => "fair-v" + i.ToString("D3", CultureInfo.InvariantCulture)).ToArray();
        using var operatorChannel = factory.Create(ChannelFactory.Context(operatorCertificate));
        var admin = new ControlClient(operatorChannel);
        foreach (var id in victims.Append(Flooder).Append(OperatorSandbox))
        {
            try
            {
                await admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "p" });
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.AlreadyExists)
            {
            }
        }

        // Issued by the server after their sandboxes exist: it accepts only the certificates it recorded.
        using var issuerChannel = factory.Create(ChannelFactory.Context(issuerCertificate));
        var issuer = new ControlClient(issuerChannel);
        async Task<GrpcChannel> ChannelAsync(string id) => factory.Create(await Identities.IssueOneAsync(issuer, id, CancellationToken.None));
        var victimChannels = await Task.WhenAll(victims.Select(ChannelAsync));
        var flooderChannels = await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(_ => ChannelAsync(Flooder)));
        try
        {
            var alone = await MeasureAsync(options, admin, victims, victimChannels, null);
            var flooded = await MeasureAsync(options, admin, victims, victimChannels, flooderChannels);
            var report = new Dictionary<string, object?>
            {
                ["label"] = options.Label,
                ["durationSeconds"] = options.Duration.TotalSeconds,
                ["floodStreams"] = options.Connections,
                ["linesPerMessage"] = options.LinesPerMessage,
                ["alone"] = alone,
                ["flooded"] = flooded,
            };
            Console.WriteLine($"e: victims alone:   ReportPolicyStatus p50 {alone.Report.P50:F1} ms p99 {alone.Report.P99:F1} ms ({alone.Report.Calls} calls, {alone.Report.Errors} errors); UpdateSandboxPolicy p50 {alone.Update.P50:F1} ms p99 {alone.Update.P99:F1} ms ({alone.Update.Calls} calls)");
            Console.WriteLine($"e: victims flooded: ReportPolicyStatus p50 {flooded.Report.P50:F1} ms p99 {flooded.Report.P99:F1} ms ({flooded.Report.Calls} calls, {flooded.Report.Errors} errors); UpdateSandboxPolicy p50 {flooded.Update.P50:F1} ms p99 {flooded.Update.P99:F1} ms ({flooded.Update.Calls} calls)");
            Console.WriteLine($"e: flooder: {flooded.FloodLinesPerSecond:F0} accepted lines/s on {options.Connections} streams, {flooded.FloodRefusedStreams} streams ended ResourceExhausted");
            if (options.JsonPath is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, JsonOptions));
            }

            return alone.Report.Calls > 0 && flooded.Report.Calls > 0 ? 0 : 1;
        }
        finally
        {
            foreach (var channel in victimChannels.Concat(flooderChannels))
            {
                channel.Dispose();
            }
        }
    }

    private static async Task<Phase> MeasureAsync(BenchOptions options, ControlClient admin, string[] victims, GrpcChannel[] victimChannels, GrpcChannel[]? flooders)
    {
        using var stop = new CancellationTokenSource();
        long floodLines = 0, refusedStreams = 0;
        var floodClock = Stopwatch.StartNew();
        var floods = (flooders ?? []).Select(channel => Task.Run(async () =>
        {
            var client = new ControlClient(channel);
            var message = Message(options.LinesPerMessage);
            while (!stop.IsCancellationRequested)
            {
                var (lines, refused) = await FloodStreamAsync(client, message, options.MessagesPerStream);
                Interlocked.Add(ref floodLines, lines);
                Interlocked.Add(ref refusedStreams, refused ? 1 : 0);
            }
        })).ToList();
        if (flooders is not null)
        {
            await Task.Delay(options.Warmup);
        }

        var reportLatencies = new List<double>();
        var updateLatencies = new List<double>();
        long reportErrors = 0, updateErrors = 0;
        var clock = Stopwatch.StartNew();
        var reporters = victims.Select((id, index) => Task.Run(async () =>
        {
            var client = new ControlClient(victimChannels[index]);
            var version = (await client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Version;
            while (clock.Elapsed < options.Duration)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await client.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = id, Version = version, Status = PolicyStatus.Loaded }, deadline: DateTime.UtcNow.AddSeconds(30));
                    lock (reportLatencies)
                    {
                        reportLatencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref reportErrors);
                }
            }
        })).ToList();
        var updater = Task.Run(async () =>
        {
            var version = (await admin.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = OperatorSandbox })).Version;
            while (clock.Elapsed < options.Duration)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var updated = await admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = OperatorSandbox, ExpectedVersion = version, Document = "p" + version }, deadline: DateTime.UtcNow.AddSeconds(30));
                    updateLatencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    version = updated.Version;
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref updateErrors);
                    version = (await admin.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = OperatorSandbox })).Version;
                }
            }
        });
        await Task.WhenAll(reporters.Append(updater));
        await stop.CancelAsync();
        await Task.WhenAll(floods);
        // Lines are known when a stream ends (its response or its ResourceExhausted message): the rate is
        // taken over the flood's whole life, warm-up and last streams included.
        var floodSeconds = floodClock.Elapsed.TotalSeconds;
        return new Phase(Summary.Of(reportLatencies, reportErrors), Summary.Of(updateLatencies, updateErrors), Interlocked.Read(ref floodLines) / floodSeconds, refusedStreams);
    }

    // One stream of up to `messages` messages; a ResourceExhausted end reports how many lines were stored.
    private static async Task<(long Lines, bool Refused)> FloodStreamAsync(ControlClient client, PushSandboxLogsRequest message, int messages)
    {
        try
        {
            using var call = client.PushSandboxLogs(deadline: DateTime.UtcNow.AddSeconds(30));
            try
            {
                for (var i = 0; i < messages; i++)
                {
                    await call.RequestStream.WriteAsync(message);
                }

                await call.RequestStream.CompleteAsync();
            }
            catch (RpcException)
            {
                // Ended by the server; the status follows.
            }

            return ((await call.ResponseAsync).AcceptedLines, false);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted)
        {
            var stored = StoredLines().Match(exception.Status.Detail);
            // Back off briefly so a refused flooder measures the budget, not a reconnect loop.
            await Task.Delay(50);
            return (stored.Success ? long.Parse(stored.Groups[1].Value, CultureInfo.InvariantCulture) : 0, true);
        }
        catch (RpcException)
        {
            return (0, false);
        }
    }

    private static PushSandboxLogsRequest Message(int lines)
    {
        var request = new PushSandboxLogsRequest { SandboxId = Flooder };
        var timestamp = Timestamp.FromDateTime(DateTime.UtcNow);
        for (var line = 0; line < lines; line++)
        {
            request.Lines.Add(new LogLine { Timestamp = timestamp, Level = LogLevel.Info, Source = "flood", Message = "flood line " + line });
        }

        return request;
    }

    [GeneratedRegex(@"(\d+) lines of this stream's earlier messages were stored")]
    private static partial Regex StoredLines();

    private sealed record Phase(Summary Report, Summary Update, double FloodLinesPerSecond, long FloodRefusedStreams);

    private sealed record Summary(long Calls, long Errors, double P50, double P99)
    {
        public static Summary Of(List<double> latencies, long errors)
        {
            latencies.Sort();
            double At(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            return new Summary(latencies.Count, errors, At(0.50), At(0.99));
        }
    }
}
