using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace SandboxControl.Client.Policies;

/// <summary>
/// Polls GetSandboxPolicy and raises <see cref="PolicyChanged"/> when the version moves. Polling rather
/// than a server stream: a unary call per interval works through any load balancer and across server
/// restarts without per-sandbox long-lived streams on the server; the cost is up to one interval of delay.
/// </summary>
public sealed class PolicyWatcher : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<SandboxPolicyDocument>> _fetch;
    private readonly PolicyWatcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _version;
    private long _failures;

    internal PolicyWatcher(Func<CancellationToken, Task<SandboxPolicyDocument>> fetch, PolicyWatcherOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Interval, TimeSpan.Zero);
        _fetch = fetch;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised on a background thread when a newer version appears. Handler exceptions are logged, not rethrown.</summary>
    public event EventHandler<PolicyChangedEventArgs>? PolicyChanged;

    /// <summary>Raised on a background thread when a poll fails; polling continues with backoff.</summary>
    public event EventHandler<RpcException>? PollFailed;

    /// <summary>The last version seen, 0 before the first successful poll or while the sandbox has no policy.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Failed polls so far.</summary>
    public long FailedPolls => Interlocked.Read(ref _failures);

    /// <summary>Stops polling.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    internal void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var policy = await _fetch(cancellationToken).ConfigureAwait(false);
                attempt = 0;
                if (policy.Version > Version)
                {
                    var previous = Interlocked.Exchange(ref _version, policy.Version);
                    Raise(PolicyChanged, new PolicyChangedEventArgs(policy, previous), nameof(PolicyChanged));
                }

                wait = Backoff.Jittered(_options.Interval);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound && !cancellationToken.IsCancellationRequested)
            {
                // No policy yet: not an error, keep polling.
                wait = Backoff.Jittered(_options.Interval);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
                Log.PolicyPollFailed(_logger, ++attempt, ex.StatusCode);
                Raise(PollFailed, ex, nameof(PollFailed));
                wait = Backoff.Delay(attempt - 1, _options.Interval / 4, _options.MaxBackoff);
            }

            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Raise<T>(EventHandler<T>? handler, T args, string name)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.HandlerThrew(_logger, name, ex);
        }
    }
}
