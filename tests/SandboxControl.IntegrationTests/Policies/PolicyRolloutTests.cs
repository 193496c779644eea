using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SandboxControl.IntegrationTests.Cli;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.Policies;

/// <summary>
/// <c>sandboxctl policy rollout</c> over 10,000 sandboxes: one ListPolicyRollout call per 1000 sandboxes, never one
/// per sandbox. The store is seeded in one transaction while the server is stopped (10,000 durable creates through the
/// API would take minutes), then the server starts on it and loads its directory as it would after any restart.
/// </summary>
public sealed class PolicyRolloutTests(ITestOutputHelper output) : IDisposable
{
    private const int Sandboxes = 10_000;

    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("rollout");

    [Fact]
    public async Task Rollout_TenThousandSandboxes_TenPagesAndExactSummary()
    {
        await using (await TestServer.StartAsync(_pki, _data.Path))
        {
            // Started once for its schema migration only.
        }

        var seeding = Stopwatch.StartNew();
        await SeedAsync(Path.Combine(_data.Path, "store.db"));
        seeding.Stop();
        await using var server = await TestServer.StartAsync(_pki, _data.Path);
        using var cli = CliHarness.Admin(server);
        var auditedBefore = server.AuditEvents().Count;

        var clock = Stopwatch.StartNew();
        var all = await cli.RunAsync("policy", "rollout");
        clock.Stop();
        var calls = server.AuditEvents().Skip(auditedBefore).Select(e => e.GetProperty("rpc").GetString()).ToList();
        var lagging = await cli.RunAsync("policy", "rollout", "--version-age", "30m");
        output.WriteLine($"seeded {Sandboxes} sandboxes in {seeding.ElapsedMilliseconds} ms; `sandboxctl policy rollout` took {clock.ElapsedMilliseconds} ms (in-process CLI, shared 2-core machine)");

        Assert.True(all.ExitCode == 0, all.Error);
        var lines = all.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(Sandboxes + 2, lines.Length);
        Assert.Equal("10000 sandboxes: 7000 LOADED, 2000 PENDING, 1000 FAILED, 0 without policy", lines[^1]);
        Assert.Matches(@"^sbx-00000 +2 +FAILED +1 +\S+ +1h\d+m +bad egress rule$", lines[1]);
        Assert.Matches(@"^sbx-00001 +1 +PENDING +0 ", lines[2]);
        Assert.Matches(@"^sbx-00003 +1 +LOADED +1 ", lines[4]);
        Assert.Equal(Enumerable.Repeat("ListPolicyRollout", Sandboxes / 1000), calls);
        Assert.True(lagging.ExitCode == 0, lagging.Error);
        var laggingLines = lagging.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(3000 + 2, laggingLines.Length);
        Assert.Equal("10000 sandboxes: 7000 LOADED, 2000 PENDING, 1000 FAILED, 0 without policy; 3000 not LOADED for 30m or more", laggingLines[^1]);
    }

    /// <summary>sbx-NNNNN: every 10th has v2 FAILED over v1 LOADED, the next two v1 PENDING, the rest v1 LOADED; all an hour old.</summary>
    private static async Task SeedAsync(string databasePath)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var hourAgo = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        await using var sandbox = Prepare(connection, transaction, "INSERT INTO sandboxes (id, created_at, created_by, policy_version) VALUES ($id, $at, 'operator/seed', $version);", "$id", "$at", "$version");
        await using var policy = Prepare(connection, transaction, "INSERT INTO policies (sandbox_id, version, document, created_at, created_by) VALUES ($id, $version, $document, $at, 'operator/seed');", "$id", "$version", "$document", "$at");
        await using var status = Prepare(connection, transaction, "INSERT INTO policy_status (sandbox_id, version, state, message, reported_at) VALUES ($id, $version, $state, $message, $at);", "$id", "$version", "$state", "$message", "$at");
        for (var i = 0; i < Sandboxes; i++)
        {
            var id = $"sbx-{i:D5}";
            var failed = i % 10 == 0;
            var pending = i % 10 is 1 or 2;
            await RunAsync(sandbox, id, hourAgo, failed ? 2L : 1L);
            await RunAsync(policy, id, 1L, "version: 1\n", hourAgo);
            if (!pending)
            {
                await RunAsync(status, id, 1L, 2, string.Empty, hourAgo);
            }

            if (failed)
            {
                await RunAsync(policy, id, 2L, "version: 2\n", hourAgo);
                await RunAsync(status, id, 2L, 3, "bad egress rule", hourAgo);
            }
        }

        await transaction.CommitAsync();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static async Task RunAsync(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
