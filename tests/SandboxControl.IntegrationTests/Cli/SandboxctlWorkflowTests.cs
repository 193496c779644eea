using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>sandboxctl against the real server, as an admin operator: the everyday commands end to end.</summary>
public sealed class SandboxctlWorkflowTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliHarness _cli = CliHarness.Admin(fixture.Server);

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task PolicySet_FromFileThenGetJson_DocumentAndVersionRoundTrip()
    {
        var id = NewId("pol");
        Assert.Equal(0, (await _cli.RunAsync("sandboxes", "create", id)).ExitCode);
        var document = "egress:\n  allow: [\"api.example.com\"]\n";
        await File.WriteAllTextAsync(_cli.Combine("policy.yaml"), document);

        var set = await _cli.RunAsync("policy", "set", id, "--file", "policy.yaml", "--expected-version", "0");
        var get = await _cli.RunAsync("policy", "get", id, "-o", "json");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.True(get.ExitCode == 0, get.ToString());
        using var json = JsonDocument.Parse(get.Out);
        Assert.Equal(document, json.RootElement.GetProperty("document").GetString());
        Assert.Equal("1", json.RootElement.GetProperty("version").GetString());
        Assert.Equal(id, json.RootElement.GetProperty("sandboxId").GetString());
        Assert.Equal("operator/" + TestServer.AdminName, json.RootElement.GetProperty("createdBy").GetString());
    }

    [Fact]
    public async Task EnvSet_FromStdin_SandboxReadsValuesAndCliPrintsNone()
    {
        var id = NewId("env");
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        const string Credentials = "# provider credentials\n\nAPI_KEY=sk-live-4f9a8b7c\nexport REGION=\"eu west\\n2\"\n";

        var result = await _cli.RunAsync(["env", "set", id, "--file", "-"], Credentials);

        Assert.True(result.ExitCode == 0, result.ToString());
        var environment = await sandbox.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = id });
        Assert.Equal("sk-live-4f9a8b7c", environment.Variables["API_KEY"]);
        Assert.Equal("eu west\n2", environment.Variables["REGION"]);
        Assert.Equal(2, environment.Variables.Count);
        Assert.Contains("2", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live", result.Out + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("eu west", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvSet_MalformedLine_UsageErrorNamesLineNotContent()
    {
        var id = NewId("envbad");
        await Server.CreateSandboxAsync(id, "p");

        var result = await _cli.RunAsync(["env", "set", id, "--file", "-"], "GOOD=1\nsk-live-leaked-secret\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 2", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("leaked", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsFollow_LinesPushedWhileRunning_PrintedUntilCancelled()
    {
        var id = NewId("logs");
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        await PushAsync(sandbox, id, "before-start");
        var output = new ConcurrentStringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        var running = _cli.RunAsync(["logs", id, "--follow"], "", output, stop.Token);
        await WaitForAsync(() => output.ToString().Contains("before-start", StringComparison.Ordinal), running);
        await PushAsync(sandbox, id, "pushed-later", "evil\u001b]0;pwned\u0007title");
        await WaitForAsync(() => output.ToString().Contains("pushed-later", StringComparison.Ordinal), running);
        await WaitForAsync(() => output.ToString().Contains("evil", StringComparison.Ordinal), running);
        await stop.CancelAsync();
        var result = await running;

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO app pushed-later$", lines[1]);
        // A sandbox's log line must not be able to send terminal escape sequences to the operator.
        Assert.DoesNotContain('\u001b', result.Out);
        Assert.Contains("evil\\u001B]0;pwned\\u0007title", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_SandboxReportedLoaded_ShowsLoadedActiveVersion()
    {
        var id = NewId("status");
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        await sandbox.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = id, Version = 1, Status = PolicyStatus.Loaded });

        var table = await _cli.RunAsync("status", id);
        var json = await _cli.RunAsync("status", id, "--output", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches($@"(?m)^{id}\s+1\s+LOADED\s+1\s", table.Out);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal("LOADED", document.RootElement.GetProperty("status").GetString());
        Assert.Equal("1", document.RootElement.GetProperty("activeVersion").GetString());
    }

    [Fact]
    public async Task SandboxesGetTable_RecreatedId_ShowsTheNewIncarnation()
    {
        // The incarnation is what tells a re-created id apart in the audit trail and certificate listings.
        var id = NewId("inc");
        await Server.CreateSandboxAsync(id);
        var first = (await Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id })).Incarnation;
        var before = await _cli.RunAsync("sandboxes", "get", id);
        await Server.Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });
        await Server.CreateSandboxAsync(id);
        var second = (await Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id })).Incarnation;

        var after = await _cli.RunAsync("sandboxes", "get", id);

        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains("INCARNATION", after.Out.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains(first, before.Out, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Contains(second, after.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(first, after.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SandboxesListJson_MorePagesThanPageSize_ListsEverySandbox()
    {
        var ids = Enumerable.Range(0, 5).Select(i => NewId("list" + i)).ToArray();
        foreach (var id in ids)
        {
            await Server.CreateSandboxAsync(id);
        }

        var result = await _cli.RunAsync("sandboxes", "list", "--page-size", "2", "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var listed = json.RootElement.GetProperty("sandboxes").EnumerateArray().Select(s => s.GetProperty("sandboxId").GetString()).ToList();
        Assert.All(ids, id => Assert.Contains(id, listed));
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [Fact]
    public async Task SandboxesDelete_ExistingSandbox_GetAfterwardsNotFound()
    {
        var id = NewId("del");
        await Server.CreateSandboxAsync(id, "p");

        var delete = await _cli.RunAsync("sandboxes", "delete", id);
        var get = await _cli.RunAsync("sandboxes", "get", id);

        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Equal(1, get.ExitCode);
        Assert.StartsWith("error: NotFound: ", get.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SandboxesIssueCert_CsrFromCertsRequest_SandboxConnectsWithLocalKey()
    {
        var id = NewId("csr");
        await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "p" });

        using var issuer = new CliHarness(Server.Address, Server.Pki.Operator(TestServer.IssuerName), Server.Pki.CaPath);

        var request = await issuer.RunAsync("certs", "request", id, "--key-out", "sandbox.key", "--out", "sandbox.csr");
        var asAdmin = await _cli.RunAsync("sandboxes", "issue-cert", id, "-f", issuer.Combine("sandbox.csr"), "--out", "admin.crt");
        var issue = await issuer.RunAsync("sandboxes", "issue-cert", id, "-f", "sandbox.csr", "--out", "sandbox.crt");

        Assert.True(request.ExitCode == 0, request.ToString());
        // Issuing is the issuer's alone: an admin holding a sandbox certificate could read its credentials.
        Assert.Equal(1, asAdmin.ExitCode);
        Assert.StartsWith("error: PermissionDenied: ", asAdmin.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.Combine("admin.crt")));
        Assert.True(issue.ExitCode == 0, issue.ToString());
        using var certificate = PemFiles.LoadCertificateWithKey(issuer.Combine("sandbox.crt"), issuer.Combine("sandbox.key"));
        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Contains(SpiffeIds.ForSandbox(TestPki.TrustDomain, id), san.Format(multiLine: false), StringComparison.Ordinal);
        var policy = await Server.Client(certificate).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id });
        Assert.Equal("p", policy.Document);
    }

    public void Dispose() => _cli.Dispose();

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task PushAsync(V1.SandboxControl.SandboxControlClient sandbox, string id, params string[] messages)
    {
        using var push = sandbox.PushSandboxLogs();
        var request = new PushSandboxLogsRequest { SandboxId = id };
        request.Lines.Add(messages.Select(message => new LogLine
        {
            Timestamp = Timestamp.FromDateTime(DateTime.UtcNow),
            Level = V1.LogLevel.Info,
            Source = "app",
            Message = message,
        }));
        await push.RequestStream.WriteAsync(request);
        await push.RequestStream.CompleteAsync();
        await push;
    }

    /// <summary>Waits for output the CLI is streaming; fails fast if the CLI exits first.</summary>
    private static async Task WaitForAsync(Func<bool> condition, Task<CliResult> running)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (running.IsCompleted)
            {
                Assert.Fail("sandboxctl exited early: " + await running);
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
