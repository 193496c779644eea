using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using SandboxControl.V1;
using ControlClient = SandboxControl.V1.SandboxControl.SandboxControlClient;

namespace SandboxControl.Bench;

/// <summary>
/// Closed-loop (or paced, with --rate) load: connections × concurrency workers, each calling in a
/// loop until the measured window ends or the call budget is spent. Warm-up calls are not recorded.
/// </summary>
internal sealed class LoadRunner(BenchOptions options, Identities identities, ChannelFactory factory)
{
    private const int MixedPushEvery = 10;
    /// <summary>Longest wait for every connection's first call before measuring anyway.</summary>
    private static readonly TimeSpan ConnectPhaseLimit = TimeSpan.FromSeconds(60);
    private long _started;
    private long _measureStart = long.MaxValue;
    private long _measureEnd = long.MaxValue;
    private int _unconnected;
    private readonly TaskCompletionSource _allConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<LoadResult> RunAsync()
    {
        var idleRss = await IdleRssAsync();
        double? openRss = null, peakRss = null, loadAverage = null;
        var channels = options.NewConnectionPerCall
            ? []
            : Enumerable.Range(0, options.Connections).Select(index => factory.Create(identities.Contexts[index % identities.Count])).ToArray();
        var workerCount = options.Connections * options.ConcurrencyPerConnection;
        var stats = Enumerable.Range(0, workerCount).Select(_ => new WorkerStats()).ToArray();
        _unconnected = workerCount;
        double? serverCpuStart = null, clientCpuStart = null;
        try
        {
            var workers = new Task[workerCount];
            for (var worker = 0; worker < workerCount; worker++)
            {
                var connection = worker / options.ConcurrencyPerConnection;
                var state = stats[worker];
                var index = worker;
                workers[worker] = Task.Run(() => WorkerAsync(index, connection, channels.Length == 0 ? null : channels[connection], state));
            }

            // The clock starts once every worker has completed one call (all connections open and
            // handshaken) plus the warm-up, so opening 1,000 connections is never measured as latency.
            var cpuProbe = Task.Run(async () =>
            {
                await Task.WhenAny(_allConnected.Task, Task.Delay(ConnectPhaseLimit));
                await Task.Delay(options.Warmup);
                loadAverage = ServerSample.ReadLoadAverage();
                serverCpuStart = options.ServerPid is { } pid ? ProcessStats.CpuSeconds(pid) : null;
                clientCpuStart = ProcessStats.CpuSeconds(Environment.ProcessId);
                var start = Stopwatch.GetTimestamp();
                Volatile.Write(ref _measureEnd, start + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency));
                Volatile.Write(ref _measureStart, start);
            });
            await Task.WhenAll(workers);
            await cpuProbe;
            // Read while every connection is still open: what holding them costs the server.
            (peakRss, openRss) = options.ServerPid is { } heldPid ? ProcessStats.Memory(heldPid) : (null, null);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }

        var finished = Stopwatch.GetTimestamp();
        var elapsed = _measureStart == long.MaxValue ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_measureStart, Math.Min(finished, _measureEnd));
        var serverCpu = options.ServerPid is { } serverPid && serverCpuStart is { } s && ProcessStats.CpuSeconds(serverPid) is { } e ? e - s : (double?)null;
        var clientCpu = clientCpuStart is { } cs && ProcessStats.CpuSeconds(Environment.ProcessId) is { } ce ? ce - cs : (double?)null;
        return LoadResult.From(options, stats, elapsed, serverCpu, clientCpu, new ServerSample(idleRss, openRss, peakRss, loadAverage));
    }

    // A few calls on one connection first, so the idle figure includes JIT and the pools a first call creates.
    private async Task<double?> IdleRssAsync()
    {
        if (options.ServerPid is not { } pid)
        {
            return null;
        }

        using (var channel = factory.Create(identities.Contexts[0]))
        {
            var client = new ControlClient(channel);
            for (var call = 0; call < 20; call++)
            {
                try
                {
                    await client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = identities.Ids[0] }, deadline: DateTime.UtcNow + options.CallDeadline);
                }
                catch (RpcException)
                {
                    // Counted by the run itself if it persists.
                }
            }
        }

        await Task.Delay(200);
        return ProcessStats.Memory(pid).CurrentMib;
    }

    private async Task WorkerAsync(int worker, int connection, GrpcChannel? channel, WorkerStats stats)
    {
        var client = channel is null ? null : new ControlClient(channel);
        var identity = connection % identities.Count;
        var workers = options.Connections * options.ConcurrencyPerConnection;
        var interval = options.Rate > 0 ? (long)(workers / options.Rate * Stopwatch.Frequency) : 0;
        // Spread paced workers over one interval so they do not fire in lockstep.
        var nextAt = Stopwatch.GetTimestamp() + (interval > 0 ? Random.Shared.NextInt64(interval) : 0);
        var pushRequests = new Dictionary<int, PushSandboxLogsRequest>();
        for (var sequence = 0L; ; sequence++)
        {
            if (interval > 0)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextAt);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                nextAt = Math.Max(nextAt + interval, Stopwatch.GetTimestamp());
            }

            var start = Stopwatch.GetTimestamp();
            if (start >= Volatile.Read(ref _measureEnd))
            {
                return;
            }

            var measured = start >= Volatile.Read(ref _measureStart);
            if (measured && options.Calls is { } budget && Interlocked.Increment(ref _started) > budget)
            {
                return;
            }

            if (options.NewConnectionPerCall)
            {
                // Rotate identities so every handshake presents a different certificate.
                identity = (int)((worker + (sequence * workers)) % identities.Count);
            }

            var push = options.Rpc == RpcKind.PushLogs || (options.Rpc == RpcKind.Mixed && sequence % MixedPushEvery == MixedPushEvery - 1);
            var ownChannel = channel is null ? factory.Create(identities.Contexts[identity]) : null;
            try
            {
                var callClient = client ?? new ControlClient(ownChannel!);
                var deadline = DateTime.UtcNow + options.CallDeadline;
                long lines = 0;
                if (push)
                {
                    if (!pushRequests.TryGetValue(identity, out var request))
                    {
                        request = PushRequest(identities.Ids[identity]);
                        pushRequests[identity] = request;
                    }

                    lines = await PushAsync(callClient, request, options.Rpc == RpcKind.Mixed ? 1 : options.MessagesPerStream, deadline);
                }
                else
                {
                    await callClient.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = identities.Ids[identity] }, deadline: deadline);
                }

                if (measured)
                {
                    stats.LatencyTicks.Add(Stopwatch.GetTimestamp() - start);
                    stats.Lines += lines;
                }
            }
            catch (RpcException exception)
            {
                if (measured)
                {
                    stats.Error(exception.StatusCode);
                }
            }
            finally
            {
                ownChannel?.Dispose();
                if (sequence == 0 && Interlocked.Decrement(ref _unconnected) == 0)
                {
                    _allConnected.TrySetResult();
                }
            }
        }
    }

    private static async Task<long> PushAsync(ControlClient client, PushSandboxLogsRequest request, int messages, DateTime deadline)
    {
        using var call = client.PushSandboxLogs(deadline: deadline);
        for (var message = 0; message < messages; message++)
        {
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        return response.AcceptedLines;
    }

    private PushSandboxLogsRequest PushRequest(string sandboxId)
    {
        var request = new PushSandboxLogsRequest { SandboxId = sandboxId };
        var timestamp = Timestamp.FromDateTime(DateTime.UtcNow);
        for (var line = 0; line < options.LinesPerMessage; line++)
        {
            request.Lines.Add(new LogLine
            {
                Timestamp = timestamp,
                Level = LogLevel.Info,
                Source = "bench",
                Message = "GET /api/items/" + line + " 200 OK in 3 ms; upstream=cache-1 bytes=5120 user-agent=bench/1.0",
            });
        }

        return request;
    }
}
