using System.Net;
using System.Net.Sockets;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>Exit codes: 0 ok, 1 the server refused, 2 usage, 3 cannot connect, each with a one-line explanation.</summary>
public sealed class SandboxctlExitCodeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task SandboxesGet_AdminExistingSandbox_ExitZero()
    {
        var id = NewId("ok");
        await Server.CreateSandboxAsync(id, "p");
        using var cli = CliHarness.Admin(Server);

        var result = await cli.RunAsync("sandboxes", "get", id);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches($@"(?m)^ID\s+CREATED\s+POLICY-VERSION\s+INCARNATION\n{id}\s+\S+Z\s+1\s+\S+$", result.Out.ReplaceLineEndings("\n").TrimEnd());
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task SandboxesCreate_AsViewer_ExitOnePermissionDenied()
    {
        var id = NewId("viewer");
        using var cli = new CliHarness(Server.Address, Server.Pki.Operator(TestServer.ViewerName), Server.Pki.CaPath);

        var result = await cli.RunAsync("sandboxes", "create", id);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: PermissionDenied: ", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
        var ex = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task PolicySet_StaleExpectedVersion_ExitOneNamesCurrentVersion()
    {
        var id = NewId("stale");
        await Server.CreateSandboxAsync(id, "v1");
        await Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = "v2" });
        using var cli = CliHarness.Admin(Server);

        var result = await cli.RunAsync(["policy", "set", id, "--file", "-", "--expected-version", "1"], stdin: "v3-from-stdin");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: Aborted: stale version: --expected-version 1 but the current policy version of sandbox", result.Error, StringComparison.Ordinal);
        Assert.Contains("is 2.", result.Error, StringComparison.Ordinal);
        Assert.Contains("retry with --expected-version 2", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("v3-from-stdin", result.Out + result.Error, StringComparison.Ordinal);
        Assert.Equal("v2", (await Server.Admin.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
    }

    [Fact]
    public async Task UnknownCommand_ExitTwo()
    {
        var result = await CliHarness.RunInAsync(Path.GetTempPath(), ["sandboxes", "explode"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'explode'", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task PolicySet_MissingExpectedVersion_ExitTwo()
    {
        var result = await CliHarness.RunInAsync(Path.GetTempPath(), ["policy", "set", "some-id", "--file", "-"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--expected-version", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvSet_MissingFile_ExitTwoNamesFileAndSendsNothing()
    {
        var id = NewId("envmissing");
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        using var cli = CliHarness.Admin(Server);

        var result = await cli.RunAsync("env", "set", id, "--file", "no-such.env");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(cli.Combine("no-such.env"), result.Error, StringComparison.Ordinal);
        var environment = await sandbox.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = id });
        Assert.Empty(environment.Variables);
    }

    [Fact]
    public async Task ClientCertificateFromAnotherCa_ExitThreeNamesCertificateFile()
    {
        var foreign = Server.Pki.OtherCa.IssueOperatorCertificate(TestPki.TrustDomain, TestServer.AdminName);
        using var cli = new CliHarness(Server.Address, foreign, Server.Pki.CaPath);

        var result = await cli.RunAsync("sandboxes", "list");

        Assert.True(result.ExitCode == 3, result.ToString());
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cannot connect: the server at 127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains($"refused the TLS handshake with client certificate '{cli.CertificatePath}'", line, StringComparison.Ordinal);
        Assert.Contains("not issued by the server's client CA", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongCaFile_ExitThreeServerCertificateNotTrusted()
    {
        var wrongCa = Path.Combine(Server.DataDirectory, "other-ca-" + Guid.NewGuid().ToString("N") + ".crt");
        PemFiles.WriteCertificate(wrongCa, Server.Pki.OtherCa.Certificate);
        using var cli = new CliHarness(Server.Address, Server.Pki.Operator(TestServer.AdminName), wrongCa);

        var result = await cli.RunAsync("sandboxes", "list");

        Assert.True(result.ExitCode == 3, result.ToString());
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"cannot connect: the server certificate of {Server.Address.Authority} (serial {Server.Pki.Server.SerialNumber})", line, StringComparison.Ordinal);
        Assert.Contains($"is not trusted by CA file '{wrongCa}'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NobodyListening_ExitThreeNamesAddress()
    {
        var address = new Uri("https://127.0.0.1:" + FreePort());
        using var cli = new CliHarness(address, Server.Pki.Operator(TestServer.AdminName), Server.Pki.CaPath);

        var result = await cli.RunAsync("sandboxes", "list");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"cannot connect: connection to {address.Authority} refused (is the server running and listening there?).", result.Error.Trim());
    }

    [Fact]
    public async Task ExpiredClientCertificate_ExitThreeBeforeConnectingNamesNotAfter()
    {
        var expired = Server.Pki.Custom(new LeafCertificateSpec
        {
            UriSans = [SpiffeIds.ForOperator(TestPki.TrustDomain, TestServer.AdminName)],
            NotBefore = DateTimeOffset.UtcNow.AddHours(-2),
            NotAfter = DateTimeOffset.UtcNow.AddHours(-1),
        });
        // Nobody listens: the check must happen before any connection is attempted.
        using var cli = new CliHarness(new Uri("https://127.0.0.1:" + FreePort()), expired, Server.Pki.CaPath);

        var result = await cli.RunAsync("sandboxes", "list");

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith($"cannot connect: client certificate '{cli.CertificatePath}' expired", result.Error, StringComparison.Ordinal);
        Assert.Contains("NotAfter " + expired.NotAfter.ToUniversalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedOperatorCertificate_ExitOneUnauthenticated()
    {
        var certificate = Server.Pki.Operator(TestServer.AdminName);
        using var cli = new CliHarness(Server.Address, certificate, Server.Pki.CaPath);
        Assert.Equal(0, (await cli.RunAsync("sandboxes", "list")).ExitCode);

        var revoke = await CliHarness.RunInAsync(cli.Directory, ["certs", "revoke", "--deny-list", Server.DenyListPath, "--file", cli.CertificatePath]);
        var refused = await WaitForExitCodeAsync(cli, 1);

        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.StartsWith("error: Unauthenticated: ", refused.Error, StringComparison.Ordinal);
    }

    private static async Task<CliResult> WaitForExitCodeAsync(CliHarness cli, int exitCode)
    {
        // The server re-reads the deny list when the file changes; wait for that, not a fixed time.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await cli.RunAsync("sandboxes", "list");
            if (result.ExitCode == exitCode)
            {
                return result;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
