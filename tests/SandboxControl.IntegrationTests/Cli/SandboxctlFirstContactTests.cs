using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>What a new operator hits first: deadlines, credential pairs, empty input, config contexts, formats, whoami.</summary>
public sealed class SandboxctlFirstContactTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliHarness _admin = CliHarness.Admin(fixture.Server);

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Timeout_ServerAcceptsButNeverAnswers_Exit3WithinDeadline()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();

        var result = await CliHarness.RunInAsync(
            _admin.Directory,
            ["sandboxes", "list", "--timeout", "700ms", "--server", $"https://127.0.0.1:{port}", "--ca", Server.Pki.CaPath, "--cert", _admin.CertificatePath, "--key", _admin.KeyPath]);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"error: no answer from https://127.0.0.1:{port} within 700ms (--timeout); the server may be overloaded, or the address is not a SandboxControl server.", result.Error.Trim());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Timeout_NotADuration_Usage()
    {
        var result = await _admin.RunAsync("sandboxes", "list", "--timeout", "soon");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --timeout 'soon' is not a duration like 500ms, 10s, 2m or 1h.", result.Error.Trim());
    }

    [Fact]
    public async Task CertFlagWithoutKey_UsageNamesBoth_DevKeyNotUsed()
    {
        var result = await CliHarness.RunInAsync(
            _admin.Directory, ["sandboxes", "list", "--server", Server.Address.ToString(), "--ca", Server.Pki.CaPath, "--cert", _admin.CertificatePath]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --cert and --key must be given together (--cert was given without --key).", result.Error.Trim());
    }

    [Fact]
    public async Task EnvironmentKeyWithoutCertificate_UsageNamesBoth()
    {
        var environment = new Dictionary<string, string>
        {
            ["SANDBOXCTL_SERVER"] = Server.Address.ToString(),
            ["SANDBOXCTL_CA"] = Server.Pki.CaPath,
            ["SANDBOXCTL_KEY"] = _admin.KeyPath,
        };

        var result = await CliHarness.RunInAsync(_admin.Directory, ["sandboxes", "list"], environment: environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: SANDBOXCTL_CERT and SANDBOXCTL_KEY must be given together (SANDBOXCTL_KEY was given without SANDBOXCTL_CERT).", result.Error.Trim());
    }

    [Fact]
    public async Task EnvSet_EmptyInput_RefusedAndCredentialsKept_ClearRemovesThem()
    {
        var id = await Server.CreateUniqueSandboxAsync("cli-env", "p");
        Assert.Equal(0, (await _admin.RunAsync(["env", "set", id, "-f", "-"], stdin: "API_TOKEN=first-secret-value\nOTHER=x\n")).ExitCode);

        var empty = await _admin.RunAsync(["env", "set", id, "-f", "-"], stdin: "\n# nothing\n");
        var afterEmpty = await _admin.RunAsync("env", "list", id);
        var cleared = await _admin.RunAsync("env", "set", id, "--clear");
        var afterClear = await _admin.RunAsync("env", "list", id, "-o", "json");

        Assert.Equal(2, empty.ExitCode);
        Assert.Equal($"error: the input has no KEY=VALUE lines; nothing was changed (to remove every credential of '{id}', use --clear).", empty.Error.Trim());
        Assert.Equal(0, afterEmpty.ExitCode);
        Assert.Equal(["NAME", "API_TOKEN", "OTHER"], afterEmpty.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.DoesNotContain("first-secret-value", afterEmpty.Out + afterEmpty.Error, StringComparison.Ordinal);
        Assert.Equal(0, cleared.ExitCode);
        Assert.Contains("variables set  0", cleared.Out, StringComparison.Ordinal);
        using var names = System.Text.Json.JsonDocument.Parse(afterClear.Out);
        Assert.Equal(0, names.RootElement.TryGetProperty("names", out var list) ? list.GetArrayLength() : 0);
    }

    [Fact]
    public async Task EnvList_Viewer_NamesOnlyNeverValues()
    {
        var id = await Server.CreateUniqueSandboxAsync("cli-env", "p");
        await _admin.RunAsync(["env", "set", id, "-f", "-"], stdin: "B_KEY=value-b-9f2\nA_KEY=value-a-77c\n");
        using var viewer = new CliHarness(Server.Address, Server.Pki.Operator(TestServer.ViewerName), Server.Pki.CaPath);

        var result = await viewer.RunAsync("env", "list", id, "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var names = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.Equal(["A_KEY", "B_KEY"], names.RootElement.GetProperty("names").EnumerateArray().Select(name => name.GetString()));
        Assert.DoesNotContain("value-", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_UnknownKey_NamedWithSuggestion()
    {
        using var home = new TempDirectory("cli-home");
        await WriteConfigAsync(home, $$"""{ "srever": "{{Server.Address}}" }""");

        var result = await CliHarness.RunInAsync(_admin.Directory, ["sandboxes", "list"], home: home.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown key \"srever\"; did you mean \"server\"? (known: current-context, contexts, server, ca, cert, key).", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigContexts_UseContextSwitches_ContextFlagOverrides()
    {
        using var home = new TempDirectory("cli-home");
        var missing = home.Combine("missing.crt");
        await WriteConfigAsync(home, $$"""
            {
              "current-context": "broken",
              "contexts": {
                "broken": { "server": "{{Server.Address}}", "ca": "{{Server.Pki.CaPath}}", "cert": "{{missing}}", "key": "{{_admin.KeyPath}}" },
                "admin": { "server": "{{Server.Address}}", "ca": "{{Server.Pki.CaPath}}", "cert": "{{_admin.CertificatePath}}", "key": "{{_admin.KeyPath}}" }
              }
            }
            """);

        var broken = await CliHarness.RunInAsync(_admin.Directory, ["whoami"], home: home.Path);
        var flag = await CliHarness.RunInAsync(_admin.Directory, ["whoami", "--context", "admin"], home: home.Path);
        var typo = await CliHarness.RunInAsync(_admin.Directory, ["config", "use-context", "admni"], home: home.Path);
        var use = await CliHarness.RunInAsync(_admin.Directory, ["config", "use-context", "admin"], home: home.Path);
        var after = await CliHarness.RunInAsync(_admin.Directory, ["whoami"], home: home.Path);
        var contexts = await CliHarness.RunInAsync(_admin.Directory, ["config", "get-contexts"], home: home.Path);

        Assert.Equal(3, broken.ExitCode);
        Assert.Contains(missing, broken.Error, StringComparison.Ordinal);
        Assert.True(flag.ExitCode == 0, flag.ToString());
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("has no context 'admni'; did you mean \"admin\"?", typo.Error, StringComparison.Ordinal);
        Assert.Equal(0, use.ExitCode);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains($"spiffe://{TestPki.TrustDomain}/operator/{TestServer.AdminName}", after.Out, StringComparison.Ordinal);
        Assert.Contains("*        admin", contexts.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("table")]
    [InlineData("wide")]
    [InlineData("json")]
    [InlineData("yaml")]
    public async Task SandboxesGet_EveryOutputFormat(string format)
    {
        var id = await Server.CreateUniqueSandboxAsync("cli-fmt", "p");

        var result = await _admin.RunAsync("sandboxes", "get", id, "-o", format);

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = format switch
        {
            "json" => $"\"sandboxId\": \"{id}\"",
            "yaml" => $"\"sandboxId\": \"{id}\"\n",
            _ => id,
        };
        Assert.Contains(expected, result.Out, StringComparison.Ordinal);
        if (format == "yaml")
        {
            Assert.DoesNotContain("{", result.Out, StringComparison.Ordinal);
        }
        else if (format is "table" or "wide")
        {
            Assert.DoesNotContain("\"sandboxId\"", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WhoAmI_OperatorsSeeTheirOwnRole()
    {
        using var viewer = new CliHarness(Server.Address, Server.Pki.Operator(TestServer.ViewerName), Server.Pki.CaPath);

        var admin = await _admin.RunAsync("whoami", "-o", "json");
        var asViewer = await viewer.RunAsync("whoami");

        Assert.Equal(0, admin.ExitCode);
        Assert.Contains("\"role\": \"admin\"", admin.Out, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"operator\"", admin.Out, StringComparison.Ordinal);
        Assert.Equal(0, asViewer.ExitCode);
        Assert.Contains($"identity             spiffe://{TestPki.TrustDomain}/operator/{TestServer.ViewerName}", asViewer.Out, StringComparison.Ordinal);
        Assert.Contains("role                 viewer", asViewer.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStatus_VersionHealthStorage()
    {
        var result = await _admin.RunAsync("server", "status", "-o", "yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"health\": \"SERVING\"", result.Out, StringComparison.Ordinal);
        Assert.Contains("\"storageEngine\": \"sqlite\"", result.Out, StringComparison.Ordinal);
        Assert.Contains("\"version\": ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypoInSubcommand_OneLineWithSuggestion()
    {
        var result = await CliHarness.RunInAsync(_admin.Directory, ["env", "lst", "web-1"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            ["error: unknown command 'lst' for 'sandboxctl env'; did you mean \"list\"? (commands: set, list)", "Run 'sandboxctl --help' for usage."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task DirectoryAsInputFile_UsageSaysDirectory()
    {
        var result = await _admin.RunAsync("env", "set", "web-1", "-f", _admin.Directory);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: credentials file '{_admin.Directory}' is a directory.", result.Error.Trim());
    }

    [Fact]
    public async Task SandboxesListWatch_RepeatsUntilStopped_Exit0()
    {
        var id = await Server.CreateUniqueSandboxAsync("cli-watch", "p");
        var output = new ConcurrentStringWriter();
        using var stop = new CancellationTokenSource();

        var run = _admin.RunAsync(["sandboxes", "list", "--watch", "--interval", "200ms"], stdin: "", output, stop.Token);
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (output.ToString().Split('\n').Count(line => line.StartsWith("ID ", StringComparison.Ordinal)) < 2)
            {
                await Task.Delay(50, deadline.Token);
            }
        }

        await stop.CancelAsync();
        var result = await run;

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Out.Split('\n').Count(line => line.StartsWith(id, StringComparison.Ordinal)) >= 2, result.Out);
        Assert.Equal("", result.Error);
    }

    public void Dispose() => _admin.Dispose();

    private static async Task WriteConfigAsync(TempDirectory home, string json)
    {
        var directory = Directory.CreateDirectory(Path.Combine(home.Path, ".config", "sandboxctl")).FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "config.json"), json);
    }
}
