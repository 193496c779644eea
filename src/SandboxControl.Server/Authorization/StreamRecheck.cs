namespace SandboxControl.Server.Authorization;

/// <summary>
/// Re-runs the authentication check of an open server stream on a timer, so a stream that writes
/// rarely (health Watch, an idle log follower) still ends when its certificate is deny-listed or
/// expires, or its sandbox is deleted. <see cref="Token"/> fires when the check fails.
/// </summary>
internal sealed class StreamRecheck : IDisposable
{
    private readonly CancellationTokenSource _failed = new();
    private readonly CancellationTokenSource _linked;
    private readonly ITimer _timer;
    private readonly Func<bool> _stillValid;

    public StreamRecheck(TimeProvider time, TimeSpan interval, Func<bool> stillValid, CancellationToken callToken)
    {
        _stillValid = stillValid;
        _linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, _failed.Token);
        _timer = time.CreateTimer(_ => Check(), null, interval, interval);
    }

    public CancellationToken Token => _linked.Token;

    public bool Failed => _failed.IsCancellationRequested;

    private void Check()
    {
        try
        {
            if (!_linked.IsCancellationRequested && !_stillValid())
            {
                _failed.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
            // The stream ended while the timer fired.
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _linked.Dispose();
        _failed.Dispose();
    }
}
