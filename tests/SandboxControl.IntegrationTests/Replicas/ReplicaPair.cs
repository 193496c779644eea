using Microsoft.Extensions.DependencyInjection;
using SandboxControl.IntegrationTests.Infrastructure;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>
/// Two in-process servers on one fresh PostgreSQL database, as replicas behind a load balancer: each with its own
/// data directory, replica 2 sharing replica 1's secrets key. Create it only when
/// <see cref="ReplicaDatabase.SkipReason"/> is null; stop the servers (<see cref="StopAllAsync"/>, from xunit's
/// DisposeAsync) before disposing it (from Dispose, which xunit calls after), so no server outlives its database.
/// </summary>
public sealed class ReplicaPair : IDisposable
{
    private readonly ReplicaDatabase _database = new();
    private readonly TempDirectory[] _data;
    private readonly TestServer?[] _servers = new TestServer?[2];

    public ReplicaPair(string name) => _data = [new TempDirectory(name + "1"), new TempDirectory(name + "2")];

    public TestPki Pki { get; } = new();

    public TestServer Replica1 => _servers[0] ?? throw new InvalidOperationException("replica 1 is not running");

    public TestServer Replica2 => _servers[1] ?? throw new InvalidOperationException("replica 2 is not running");

    /// <summary>Starts replica 1 or 2 (again, after <see cref="StopAsync"/>) with its usual settings plus <paramref name="settings"/>.</summary>
    public async Task<TestServer> StartAsync(int replica, IDictionary<string, string>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var all = _database.Settings(replica == 1 ? null : _data[0].Combine("secrets.key"));
        // Each running server claims its own name; both would otherwise default to this host's name.
        all["Audit:Replica"] = "replica-" + replica.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var server = await TestServer.StartAsync(Pki, _data[replica - 1].Path, all, configureServices);
        _servers[replica - 1] = server;
        return server;
    }

    /// <summary>Arguments for a further server, as a child process, on this database and replica 1's secrets key.</summary>
    public Task<string[]> ProcessArgumentsAsync(string dataDirectory, IDictionary<string, string> settings)
    {
        var all = _database.Settings(_data[0].Combine("secrets.key"));
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return TestServer.ArgumentsAsync(Pki, dataDirectory, all);
    }

    public async Task StopAsync(int replica)
    {
        if (_servers[replica - 1] is { } server)
        {
            _servers[replica - 1] = null;
            await server.DisposeAsync();
        }
    }

    public async Task StopAllAsync()
    {
        await StopAsync(1);
        await StopAsync(2);
    }

    public void Dispose()
    {
        _database.Dispose();
        foreach (var data in _data)
        {
            data.Dispose();
        }

        Pki.Dispose();
    }
}
