using SandboxControl.Client.Credentials;

namespace SandboxControl.Client.Connection;

/// <summary>The current connection generation; replaced ones are disposed after a grace period so calls on them can finish.</summary>
internal sealed class ChannelManager : IDisposable
{
    private readonly Uri _address;
    private readonly SandboxClientOptions _options;
    private readonly Lock _gate = new();
    private readonly List<ConnectionGeneration> _retired = [];
    private ConnectionGeneration _current;
    private bool _disposed;

    public ChannelManager(Uri address, ClientCredentials credentials, SandboxClientOptions options)
    {
        _address = address;
        _options = options;
        _current = new ConnectionGeneration(address, credentials, options);
    }

    public ConnectionGeneration Current => Volatile.Read(ref _current);

    /// <summary>Makes new calls use <paramref name="credentials"/>, which the manager now owns.</summary>
    public void Switch(ClientCredentials credentials)
    {
        var next = new ConnectionGeneration(_address, credentials, _options);
        ConnectionGeneration previous;
        lock (_gate)
        {
            if (_disposed)
            {
                next.Dispose();
                throw new ObjectDisposedException(nameof(ChannelManager));
            }

            previous = _current;
            Volatile.Write(ref _current, next);
            _retired.Add(previous);
        }

        _ = RetireAsync(previous);
    }

    public void Dispose()
    {
        List<ConnectionGeneration> all;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            all = [.. _retired, _current];
            _retired.Clear();
        }

        foreach (var generation in all)
        {
            generation.Dispose();
        }
    }

    private async Task RetireAsync(ConnectionGeneration generation)
    {
        await Task.Delay(_options.RetiredConnectionGrace, _options.TimeProvider).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_retired.Remove(generation))
            {
                return;
            }
        }

        generation.Dispose();
    }
}
