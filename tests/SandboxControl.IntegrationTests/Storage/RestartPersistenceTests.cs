using System.Security.Cryptography.X509Certificates;
using System.Text;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Storage;

public sealed class RestartPersistenceTests : IDisposable
{
    private const string Credential = "sk-live-restart-3e8f0a2b9c";
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("restart");

    [Fact]
    public async Task Restart_SameSqliteFile_KeepsSandboxesPoliciesAndCredentials()
    {
        X509Certificate2 certificate;
        await using (var first = await TestServer.StartAsync(_pki, _data.Path))
        {
            await first.CreateSandboxAsync("persisted", "policy-v1");
            // Recorded in the store: still accepted after the restart.
            certificate = await first.SandboxCertificateAsync("persisted");
            await first.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = "persisted", ExpectedVersion = 1, Document = "policy-v2" });
            var env = new SetSandboxProviderEnvironmentRequest { SandboxId = "persisted" };
            env.Variables["OPENAI_API_KEY"] = Credential;
            await first.Admin.SetSandboxProviderEnvironmentAsync(env);
        }

        await using var second = await TestServer.StartAsync(_pki, _data.Path);
        var sandbox = second.Client(certificate);

        var policy = await sandbox.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "persisted" });
        var history = await second.Admin.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = "persisted" });
        var env2 = await sandbox.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = "persisted" });

        Assert.Equal("policy-v2", policy.Document);
        Assert.Equal(2, history.Policies.Count);
        Assert.Equal(Credential, env2.Variables["OPENAI_API_KEY"]);
        Assert.False(ContainsPlaintext(second.DatabasePath, Credential), "credential found in plain text in the database files");
        Assert.True(ContainsPlaintext(second.DatabasePath, "policy-v2"), "sanity: plain policy text is findable in the same files");
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private static bool ContainsPlaintext(string databasePath, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var path in new[] { databasePath, databasePath + "-wal" })
        {
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
