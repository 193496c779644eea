extern alias server;

using System.Diagnostics;
using Npgsql;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;
using ReplicaNameLock = server::SandboxControl.Server.Storage.Postgres.ReplicaNameLock;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>
/// With PostgreSQL a running server holds its Audit:Replica name: a second server with the same name exits 2 in one
/// line instead of mixing its audit events and shipping marks with the first's.
/// </summary>
public sealed class ReplicaNameLockTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _processData = new("replica-name-process");
    private ReplicaPair? _pair;

    public Task InitializeAsync()
    {
        if (ReplicaDatabase.SkipReason is null)
        {
            _pair = new ReplicaPair("replica-name");
        }

        return Task.CompletedTask;
    }

    private async Task<TestServer> StartWithOneRetryAsync(int replica, IDictionary<string, string> settings)
    {
        try
        {
            return await _pair!.StartAsync(replica, settings);
        }
        catch (Exception ex) when (ex.ToString().Contains("is already in use by another running server", StringComparison.Ordinal))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            return await _pair!.StartAsync(replica, settings);
        }
    }

    public async Task DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.StopAllAsync();
        }
    }

    public void Dispose()
    {
        _pair?.Dispose();
        _processData.Dispose();
    }

    [PostgresFact]
    public async Task SecondServer_SameReplicaName_Exit2OneLine_FirstServesAndReleasesOnStop()
    {
        var first = await _pair!.StartAsync(1, Named("r1"));

        using var second = ServerProcess.Start(await _pair.ProcessArgumentsAsync(_processData.Path, Named("r1")), _processData.Path);
        var exitCode = await second.WaitForExitAsync(Deadline);

        Assert.Equal(2, exitCode);
        var problem = Assert.Single(second.Output.Split('\n'), line => line.Contains("Startup error:", StringComparison.Ordinal));
        Assert.EndsWith(
            "Startup error: Audit:Replica 'r1' is already in use by another running server on this database; give each replica its own name",
            problem.TrimEnd('\r'),
            StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Output, StringComparison.Ordinal);
        await first.CreateSandboxAsync("after-refusal");

        await _pair.StartAsync(2, Named("r2"));
        // Stopping releases the name: a server restarted under it starts. The database frees the lock when the old
        // session's backend exits, a moment after the connection closes, so one refused attempt is allowed.
        await _pair.StopAsync(1);
        var restarted = await StartWithOneRetryAsync(1, Named("r1"));
        await restarted.CreateSandboxAsync("after-restart");
    }

    [PrivatePostgresFact]
    public async Task PostgresRestarted_NameClaimedAgainOnReconnect()
    {
        using var pki = new TestPki();
        using var data = new TempDirectory("replica-name-outage");
        using var cluster = PrivatePostgresCluster.Create();
        await using var server = await TestServer.StartAsync(pki, data.Path, new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:PostgresConnectionString"] = cluster.ConnectionString,
            ["Audit:Replica"] = "r1",
        });

        cluster.Stop();
        cluster.Start();

        var deadline = Stopwatch.StartNew();
        while (!server.Logs.AllText.Contains("Audit:Replica r1 claimed again", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        Assert.Contains("Audit:Replica r1 claimed again", server.Logs.AllText, StringComparison.Ordinal);
        Assert.Equal(1L, await HeldNameLocksAsync(cluster.ConnectionString));
    }

    private static async Task<long> HeldNameLocksAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid) WHERE locktype = 'advisory' AND granted AND application_name = @name;",
            connection);
        count.Parameters.AddWithValue("name", ReplicaNameLock.ApplicationName);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static Dictionary<string, string> Named(string replica) => new() { ["Audit:Replica"] = replica };
}
