using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using SandboxControl.V1;
using ControlClient = SandboxControl.V1.SandboxControl.SandboxControlClient;

namespace SandboxControl.Client.Logs;

/// <summary>
/// Buffers log lines and pushes them in batches over PushSandboxLogs from a background pump.
/// <para>
/// Delivery is at least once: a batch leaves memory only when the server has acknowledged the call, and
/// a failed call is retried (jittered exponential backoff) with the same batch. A batch the server
/// stored but could not acknowledge (it died mid-call) is sent again: each such failure can duplicate up
/// to <see cref="SandboxLogSinkOptions.MaxBatchLines"/> lines. Lines are lost only when more than
/// <see cref="SandboxLogSinkOptions.Capacity"/> lines or <see cref="SandboxLogSinkOptions.CapacityBytes"/> wait at once (the oldest go first; counted in
/// <see cref="DroppedLines"/>), when the server refuses a batch as invalid (<see cref="RejectedLines"/>),
/// or when <see cref="DisposeAsync"/> gives up after <see cref="SandboxLogSinkOptions.FlushTimeout"/>
/// (also counted as dropped).
/// </para>
/// </summary>
public sealed class SandboxLogSink : IAsyncDisposable
{
    private const int MaxSourceChars = 256;

    private readonly Func<ControlClient> _client;
    private readonly string _sandboxId;
    private readonly SandboxLogSinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LogBuffer _buffer;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;
    private long _written;
    private long _sent;
    private long _rejected;
    private long _lost;
    private long _failedPushes;
    private int _inFlight;
    private int _flushWaiters;
    private volatile bool _closed;

    internal SandboxLogSink(Func<ControlClient> client, string sandboxId, SandboxLogSinkOptions options, TimeProvider time, ILogger logger)
    {
        options.Validate();
        _client = client;
        _sandboxId = sandboxId;
        _options = options;
        _time = time;
        _logger = logger;
        _buffer = new LogBuffer(options.Capacity, options.CapacityBytes);
    }

    /// <summary>Lines accepted by <see cref="Write"/>.</summary>
    public long WrittenLines => Interlocked.Read(ref _written);

    /// <summary>Lines the server acknowledged.</summary>
    public long SentLines => Interlocked.Read(ref _sent);

    /// <summary>Lines dropped because the buffer was full, or left unsent when disposal timed out.</summary>
    public long DroppedLines => _buffer.Dropped + Interlocked.Read(ref _lost);

    /// <summary>Lines in batches the server refused as invalid (not retried).</summary>
    public long RejectedLines => Interlocked.Read(ref _rejected);

    /// <summary>Lines waiting, including a batch in flight.</summary>
    public long BufferedLines => _buffer.Count + Volatile.Read(ref _inFlight);

    /// <summary>Push calls that failed and were retried.</summary>
    public long FailedPushes => Interlocked.Read(ref _failedPushes);

    /// <summary>Queues a line; never blocks and never throws for a server problem.</summary>
    /// <returns><see langword="false"/> once the sink is disposed.</returns>
    public bool Write(LogSeverity severity, string source, string message)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(message);
        if (_closed)
        {
            return false;
        }

        var line = new LogLine
        {
            Timestamp = Timestamp.FromDateTimeOffset(_time.GetUtcNow()),
            Level = (V1.LogLevel)severity,
            Source = Cut(source, MaxSourceChars),
            Message = Cut(message, _options.MaxMessageChars),
        };
        var buffered = _buffer.Add(line);
        if (buffered < 0)
        {
            // Disposed meanwhile, and the pump's last drain is done.
            return false;
        }

        Interlocked.Increment(ref _written);
        if (buffered >= _options.MaxBatchLines)
        {
            Wake();
        }

        return true;
    }

    /// <summary>Waits until every line written before the call is acknowledged, dropped or rejected.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = WrittenLines;
        Interlocked.Increment(ref _flushWaiters);
        Wake();
        try
        {
            while (SentLines + DroppedLines + RejectedLines < target)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _flushWaiters);
        }
    }

    /// <summary>Stops accepting lines and sends what is buffered, for at most <see cref="SandboxLogSinkOptions.FlushTimeout"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        Wake();
        if (await Task.WhenAny(_pump, Task.Delay(_options.FlushTimeout, _time)).ConfigureAwait(false) != _pump)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (Exception ex) when (_stop.IsCancellationRequested && ex is OperationCanceledException or RpcException or IOException or HttpRequestException)
        {
            // Stopped after the flush timeout; what was left is counted as dropped. A push cut off while it
            // connected ends as Unavailable (a socket error), not Cancelled: that is the same stop.
        }

        _stop.Dispose();
        _signal.Dispose();
    }

    internal void Start() => _pump = Task.Run(() => PumpAsync(_stop.Token));

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        List<LogLine>? pending = null;
        var attempt = 0;
        try
        {
            while (true)
            {
                if (pending is null)
                {
                    if (!_closed && Volatile.Read(ref _flushWaiters) == 0 && _buffer.Count < _options.MaxBatchLines)
                    {
                        // Let a partial batch fill up a little; a full one or a flush wakes us at once.
                        await _signal.WaitAsync(_options.FlushInterval, cancellationToken).ConfigureAwait(false);
                    }

                    pending = _buffer.Take(_options.MaxBatchLines, _options.MaxBatchBytes);
                    Volatile.Write(ref _inFlight, pending.Count);
                    if (pending.Count == 0)
                    {
                        pending = null;
                        if (_closed && _buffer.TryCloseEmpty())
                        {
                            return;
                        }

                        continue;
                    }
                }

                var batch = pending;
                try
                {
                    await SendAsync(batch, cancellationToken).ConfigureAwait(false);
                    Interlocked.Add(ref _sent, batch.Count);
                    attempt = 0;
                    pending = null;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
                {
                    // Retrying a batch the server calls malformed would block every line behind it.
                    Log.LogBatchRejected(_logger, batch.Count, ex.Status.Detail);
                    Interlocked.Add(ref _rejected, batch.Count);
                    pending = null;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is RpcException or IOException or HttpRequestException or ObjectDisposedException or InvalidOperationException)
                {
                    Interlocked.Increment(ref _failedPushes);
                    var delay = Backoff.Delay(attempt++, _options.InitialBackoff, _options.MaxBackoff);
                    Log.LogPushFailed(_logger, batch.Count, attempt, delay, (ex as RpcException)?.StatusCode ?? StatusCode.Unavailable);
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _inFlight, pending?.Count ?? 0);
                }
            }
        }
        finally
        {
            // Only reached with lines left when disposal timed out.
            Interlocked.Add(ref _lost, (pending?.Count ?? 0) + _buffer.Close());
            Volatile.Write(ref _inFlight, 0);
        }
    }

    private async Task SendAsync(List<LogLine> batch, CancellationToken cancellationToken)
    {
        using var call = _client().PushSandboxLogs(deadline: DateTime.UtcNow + _options.PushTimeout, cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = _sandboxId, Lines = { batch } }, cancellationToken).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The server ended the call first; its status comes with the response.
        }

        await call.ResponseAsync.ConfigureAwait(false);
    }

    private void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or the sink is gone.
        }
    }

    private static string Cut(string value, int maxChars) => value.Length <= maxChars ? value : value[..maxChars];
}
