using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Storage;

/// <summary>Storage that cannot write answers Unavailable, unreadable stored data DataLoss (never Unknown); the SQLite files are private.</summary>
public sealed class StorageFaultTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("storage-fault");

    [RootFact]
    public async Task SqliteDiskFull_WritesUnavailable_ThenServedWhenSpaceReturns()
    {
        var mount = _data.Combine("tmpfs");
        Directory.CreateDirectory(mount);
        using var tmpfs = FaultTools.MountTmpfs(mount, "2m");
        await using var server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string> { ["Storage:SqlitePath"] = Path.Combine(mount, "store.db") });
        await server.CreateSandboxAsync("kept", "p");

        var filler = FaultTools.Fill(mount);
        var big = new string('x', 200 * 1024);
        var statuses = new List<StatusCode>();
        for (var i = 0; i < 8; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = $"full-{i}", PolicyDocument = big }).ResponseAsync);
            statuses.Add(ex.StatusCode);
        }

        File.Delete(filler);
        var after = await server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = "after", PolicyDocument = "p" });
        var afterId = after.SandboxId;

        Assert.All(statuses, status => Assert.Equal(StatusCode.Unavailable, status));
        Assert.Equal("after", afterId);
        Assert.Equal("kept", (await server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = "kept" })).SandboxId);
        var missing = await Assert.ThrowsAsync<RpcException>(() => server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = "full-0" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task SqliteCorruptLogChunk_ReadDataLoss_OtherSandboxStillServed()
    {
        await using var server = await TestServer.StartAsync(_pki, _data.Path);
        foreach (var id in (string[])["damaged", "intact"])
        {
            var sandbox = await server.CreateSandboxAsync(id, "p");
            using var push = sandbox.PushSandboxLogs();
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { Security.SandboxIsolationTests.Line($"{id} line") } });
            await push.RequestStream.CompleteAsync();
            Assert.Equal(1, (await push).AcceptedLines);
        }

        // Another writer damages one stored row while the server runs: a tag no version wrote.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={server.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var damage = connection.CreateCommand();
            damage.CommandText = "UPDATE log_chunks SET lines = x'7F00' WHERE sandbox_id = 'damaged';";
            Assert.Equal(1, await damage.ExecuteNonQueryAsync());
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => Security.SandboxIsolationTests.ReadAllAsync(server.Admin.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = "damaged" })));
        var intact = await Security.SandboxIsolationTests.ReadAllAsync(server.Admin.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = "intact" }));

        Assert.Equal(StatusCode.DataLoss, refused.StatusCode);
        Assert.Equal("a stored log chunk is not in the expected format", refused.Status.Detail);
        Assert.Equal(["intact line"], intact.Select(line => line.Message));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task SqliteFiles_OwnerOnlyWhateverTheUmask()
    {
        await using var server = await TestServer.StartAsync(_pki, _data.Path);
        await server.CreateSandboxAsync("modes", "p");

        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            var path = server.DatabasePath + suffix;
            Assert.True(File.Exists(path), path);
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task SqliteFiles_ExistingWorldReadableTightenedAtStart()
    {
        var path = _data.Combine("store.db");
        await File.WriteAllBytesAsync(path, []);
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var server = await TestServer.StartAsync(_pki, _data.Path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
