using System.Diagnostics;
using Grpc.Core;
using SandboxControl.Client;
using SandboxControl.Client.Credentials;
using SandboxControl.Client.Logs;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>
/// A sandbox whose first certificate has the server's short lifetime, calling continuously (policy reads
/// and log pushes) while the library renews: counts renewals, calls and failed calls.
/// </summary>
internal static class AutoRenewalScenario
{
    public static async Task RunAsync(
        TestServer server, TimeSpan lifetime, double renewAt, int renewals, bool outliveFirstCertificate, ITestOutputHelper output)
    {
        var id = "autorenew-" + Guid.NewGuid().ToString("N")[..8];
        await server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "p" });
        var first = server.Pki.Ca.IssueSandboxCertificate(TestPki.TrustDomain, id, lifetime);
        using var files = new SandboxFiles(first);
        var options = files.Options(server.Address, server.Pki.CaPath);
        options.RenewAtFractionOfLifetime = renewAt;
        options.RetiredConnectionGrace = options.CallTimeout;
        await using var client = SandboxClient.Create(options);
        var changes = new List<CertificateChangedEventArgs>();
        client.CertificateChanged += (_, e) =>
        {
            lock (changes)
            {
                changes.Add(e);
            }
        };
        await using var sink = client.CreateLogSink(new SandboxLogSinkOptions { FlushInterval = TimeSpan.FromMilliseconds(100) });

        var calls = 0;
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        var limit = lifetime * renewAt * (renewals + 1.5) + TimeSpan.FromSeconds(5);
        while (clock.Elapsed < limit
            && (client.RenewalCount < renewals || (outliveFirstCertificate && DateTime.UtcNow < first.NotAfter.ToUniversalTime().AddSeconds(1))))
        {
            calls++;
            try
            {
                Assert.Equal("p", (await client.GetPolicyAsync()).Document);
            }
            catch (RpcException ex)
            {
                failures.Add($"{clock.Elapsed.TotalSeconds:F1}s {ex.StatusCode} {ex.Status.Detail}");
            }

            sink.Write(LogSeverity.Info, "renewal-test", "call " + calls);
            await Task.Delay(50);
        }

        await sink.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine(
            $"lifetime {lifetime.TotalSeconds}s, renew at {renewAt:P0}: {client.RenewalCount} renewals ({client.RenewalFailureCount} failed attempts), "
            + $"{calls} calls, {failures.Count} failed; log lines written {sink.WrittenLines}, acknowledged {sink.SentLines}, failed pushes {sink.FailedPushes}; {clock.Elapsed.TotalSeconds:F1}s");
        foreach (var failure in failures)
        {
            output.WriteLine("failed call: " + failure);
        }

        Assert.True(client.RenewalCount >= renewals, $"only {client.RenewalCount} renewals");
        Assert.Empty(failures);
        Assert.Equal(0, client.RenewalFailureCount);
        Assert.Equal(sink.WrittenLines, sink.SentLines);
        lock (changes)
        {
            Assert.All(changes, change =>
            {
                Assert.Equal(CertificateChangeReason.Renewed, change.Reason);
                Assert.Equal(lifetime, change.Certificate.NotAfter - change.Certificate.NotBefore);
            });
            Assert.Equal(changes.Count, changes.Select(change => change.Certificate.SerialNumber).Distinct().Count());
        }

        // The new keys were generated in the client; no private key ever reached the server's logs.
        Assert.DoesNotContain("PRIVATE KEY", server.Logs.AllText, StringComparison.Ordinal);
    }
}
