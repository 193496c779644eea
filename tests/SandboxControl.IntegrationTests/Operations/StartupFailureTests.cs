using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Operations;

/// <summary>
/// What a failed start prints, from the real server process: one "Startup error:" line per problem, exit 2, never a
/// stack trace or "Unhandled exception"; and what a good start prints (summary line, dated timestamps, JSON once).
/// </summary>
public sealed partial class StartupFailureTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("startup-failure");

    [Fact]
    public async Task SeveralProblems_AllReportedAtOnce_Exit2()
    {
        var (exitCode, output) = await RunToExitAsync(new()
        {
            ["Tls:ClientCaPath"] = "/nonexistent/ca.crt",
            ["Identity:TrustDomain"] = "",
            ["Secrets:KeyPath"] = "",
            ["Secrets:KeyEnvironmentVariable"] = "SANDBOXCONTROL_TEST_NO_SUCH_VARIABLE",
        });

        Assert.Equal(2, exitCode);
        var problems = ProblemLines(output);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, line => line.EndsWith("Startup error: Tls:ClientCaPath file '/nonexistent/ca.crt' does not exist.", StringComparison.Ordinal));
        Assert.Contains(problems, line => line.Contains("Startup error: Identity:TrustDomain is required", StringComparison.Ordinal));
        Assert.Contains(problems, line => line.Contains("Startup error: Secrets: no encryption key", StringComparison.Ordinal));
        AssertNoTrace(output);
    }

    [Fact]
    public async Task SqliteInUse_SecondServer_OneLine_Exit2()
    {
        var arguments = await TestServer.ArgumentsAsync(_pki, _data.Path);
        using var first = ServerProcess.Start(arguments, _data.Path);
        await first.WaitUntilListeningAsync(Deadline);

        using var second = ServerProcess.Start(arguments, _data.Path);
        var exitCode = await second.WaitForExitAsync(Deadline);

        Assert.Equal(2, exitCode);
        var problem = Assert.Single(ProblemLines(second.Output));
        Assert.Contains($"Startup error: Storage:SqlitePath: the SQLite database {_data.Combine("store.db")} is in use by another server", problem, StringComparison.Ordinal);
        AssertNoTrace(second.Output);
    }

    [Fact]
    public async Task PortInUse_OneLine_Exit2()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (exitCode, output) = await RunToExitAsync(new() { ["Server:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(2, exitCode);
        var problem = Assert.Single(ProblemLines(output));
        Assert.Contains($"https://127.0.0.1:{port}: address already in use", problem, StringComparison.Ordinal);
        Assert.Contains("Server:Port", problem, StringComparison.Ordinal);
        AssertNoTrace(output);
        Assert.DoesNotContain("Hosting failed to start", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditPathIsDirectory_OneLine_Exit2()
    {
        var directory = Directory.CreateDirectory(_data.Combine("audit-dir")).FullName;

        var (exitCode, output) = await RunToExitAsync(new() { ["Audit:Path"] = directory });

        Assert.Equal(2, exitCode);
        var problem = Assert.Single(ProblemLines(output));
        Assert.EndsWith($"Startup error: Audit:Path '{directory}' cannot be opened for appending: open failed: Is a directory", problem, StringComparison.Ordinal);
        AssertNoTrace(output);
    }

    [Fact]
    public async Task UnreadableSecretsKey_OneLine_Exit2()
    {
        var directory = Directory.CreateDirectory(_data.Combine("key-dir")).FullName;

        var (exitCode, output) = await RunToExitAsync(new() { ["Secrets:KeyPath"] = directory });

        Assert.Equal(2, exitCode);
        var problem = Assert.Single(ProblemLines(output));
        Assert.EndsWith($"Startup error: Secrets:KeyPath '{directory}' could not be read (it is a directory).", problem, StringComparison.Ordinal);
        AssertNoTrace(output);
    }

    [Fact]
    public async Task StoreCannotBeOpened_OneLine_Exit2()
    {
        var directory = Directory.CreateDirectory(_data.Combine("db-dir")).FullName;

        var (exitCode, output) = await RunToExitAsync(new() { ["Storage:SqlitePath"] = directory });

        Assert.Equal(2, exitCode);
        var problem = Assert.Single(ProblemLines(output));
        Assert.Contains($"Startup error: Storage:SqlitePath '{directory}': the store cannot be opened", problem, StringComparison.Ordinal);
        AssertNoTrace(output);
    }

    [Fact]
    public async Task GoodStart_PrintsResolvedSettingsOnce_WithDateAndOffset()
    {
        var arguments = await TestServer.ArgumentsAsync(_pki, _data.Path);
        using var server = ServerProcess.Start(arguments, _data.Path);
        var address = await server.WaitUntilListeningAsync(Deadline);
        var summary = await WaitForLineAsync(server, "Serving on");

        Assert.Matches(TextTimestamp(), summary);
        Assert.Contains($"Serving on {address.ToString().TrimEnd('/')}: trust domain {TestPki.TrustDomain}, storage sqlite at {_data.Combine("store.db")}", summary, StringComparison.Ordinal);
        Assert.Contains($"audit {_data.Combine("audit.log")}, 3 operators, issuance on, rate limit 10000/s burst 10000 per caller", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("secrets.key", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonFormat_EveryEventOnce_AsJson()
    {
        var arguments = await TestServer.ArgumentsAsync(_pki, _data.Path, new Dictionary<string, string> { ["Logging:Format"] = "json" });
        using var server = ServerProcess.Start(arguments, _data.Path);
        await server.WaitUntilListeningAsync(Deadline);
        await WaitForLineAsync(server, "Serving on");

        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var messages = lines.Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(DateTimeOffset.TryParse(json.RootElement.GetProperty("@t").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
            return json.RootElement.GetProperty("@m").GetString()!;
        }).ToList();
        Assert.Single(messages, message => message.StartsWith("Serving on", StringComparison.Ordinal));
        Assert.Single(messages, message => message.StartsWith("Now listening on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SerilogSinksConfigured_EventsNotDuplicated()
    {
        var arguments = await TestServer.ArgumentsAsync(_pki, _data.Path, new Dictionary<string, string>
        {
            ["Serilog:Using:0"] = "Serilog.Sinks.Console",
            ["Serilog:WriteTo:0:Name"] = "Console",
            ["Serilog:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Compact.RenderedCompactJsonFormatter, Serilog.Formatting.Compact",
        });
        using var server = ServerProcess.Start(arguments, _data.Path);
        await server.WaitUntilListeningAsync(Deadline);
        await WaitForLineAsync(server, "Serving on");

        var serving = server.Output.Split('\n').Where(line => line.Contains("Serving on", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(serving);
        Assert.StartsWith("{", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownLogFormat_ReportedWithOtherProblems()
    {
        var (exitCode, output) = await RunToExitAsync(new() { ["Logging:Format"] = "xml", ["Identity:TrustDomain"] = "" });

        Assert.Equal(2, exitCode);
        var problems = ProblemLines(output);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, line => line.EndsWith("Startup error: Logging:Format 'xml' is not one of: text, json.", StringComparison.Ordinal));
        AssertNoTrace(output);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task GroupReadableKey_ProcessOwnGroup_Accepted_OtherGroup_Refused()
    {
        // What a Kubernetes Secret volume with fsGroup = runAsGroup produces: mode 0440, group = the process's group.
        var keyPath = _data.Combine("server-0440.key");
        File.Copy(_pki.ServerKeyPath, keyPath);
        Chown(":4242", keyPath);
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        var arguments = await TestServer.ArgumentsAsync(_pki, _data.Path, new Dictionary<string, string> { ["Tls:ServerKeyPath"] = keyPath });

        using (var ownGroup = ServerProcess.Start(arguments, _data.Path, ["setpriv", "--regid=4242", "--clear-groups"]))
        {
            await ownGroup.WaitUntilListeningAsync(Deadline);
        }

        using var otherGroup = ServerProcess.Start(arguments, _data.Path, ["setpriv", "--regid=4243", "--clear-groups"]);
        Assert.Equal(2, await otherGroup.WaitForExitAsync(Deadline));
        var problem = Assert.Single(ProblemLines(otherGroup.Output));
        Assert.EndsWith($"Startup error: Tls:ServerKeyPath '{keyPath}' is readable by group or others; chmod 600 it.", problem, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private static void Chown(string owner, string path)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [owner, path]);
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }

    private static List<string> ProblemLines(string output) =>
        [.. output.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Contains("Startup error:", StringComparison.Ordinal))];

    private static void AssertNoTrace(string output)
    {
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.Matches(TextTimestamp(), line);
        }
    }

    private static async Task<string> WaitForLineAsync(ServerProcess server, string text)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var line = server.Output.Split('\n').FirstOrDefault(candidate => candidate.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line.TrimEnd('\r');
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    private async Task<(int ExitCode, string Output)> RunToExitAsync(Dictionary<string, string> settings)
    {
        var arguments = await TestServer.ArgumentsAsync(_pki, _data.Path, settings);
        using var server = ServerProcess.Start(arguments, _data.Path);
        var exitCode = await server.WaitForExitAsync(Deadline);
        return (exitCode, server.Output);
    }

    [GeneratedRegex(@"^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{2}:\d{2} [A-Z]{3}\] ")]
    private static partial Regex TextTimestamp();
}
