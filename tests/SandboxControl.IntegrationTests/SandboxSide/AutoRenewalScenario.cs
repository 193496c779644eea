using System.Diagnostics;
using Microsoft.Extensions.Logging;
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
        // Issued by the server (configured with this lifetime), so it and its renewals are on the allow list.
        var first = await server.SandboxCertificateAsync(id);
        using var files = new SandboxFiles(first);
        var options = files.Options(server.Address, server.Pki.CaPath);
        options.RenewAtFractionOfLifetime = renewAt;
        options.RetiredConnectionGrace = options.CallTimeout;
        // Persisted, so the renewed keys can be looked for in the client's own logs afterwards.
        options.PersistRenewedCertificate = true;
        var firstKeyBody = PemBody(await File.ReadAllTextAsync(files.KeyPath));
        using var clientLogs = new CapturedLogs();
        using var loggerFactory = new LoggerFactory([clientLogs]);
        options.LoggerFactory = loggerFactory;
        var keyBodies = new List<string> { firstKeyBody };
        var renewalErrors = new List<string>();
        await using var client = SandboxClient.Create(options);
        client.RenewalFailed += (_, e) =>
        {
            lock (renewalErrors)
            {
                renewalErrors.Add(e.Error.ToString());
            }
        };
        var changes = new List<CertificateChangedEventArgs>();
        client.CertificateChanged += (_, e) =>
        {
            lock (changes)
            {
                changes.Add(e);
                // Persisted before the switch: the key file now holds this certificate's new key.
                keyBodies.Add(PemBody(File.ReadAllText(files.KeyPath)));
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
            catch (SandboxControl.Client.Errors.SandboxControlException ex)
            {
                failures.Add($"{clock.Elapsed.TotalSeconds:F1}s {ex.GetType().Name} {ex.Message}");
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

        // The new keys were generated in the client: neither they nor the first key appear in its logs or renewal errors.
        string clientText;
        lock (renewalErrors)
        {
            clientText = clientLogs.AllText + "\n" + string.Join('\n', renewalErrors);
        }

        Assert.NotEmpty(clientLogs.Lines);
        Assert.DoesNotContain("PRIVATE KEY", clientText, StringComparison.Ordinal);
        lock (changes)
        {
            Assert.Equal(changes.Count + 1, keyBodies.Distinct(StringComparer.Ordinal).Count());
            Assert.All(keyBodies, body => Assert.True(body.Length > 64 && !clientText.Contains(body, StringComparison.Ordinal), "a private key appears in the client's logs"));
        }

        // Persisting left only the certificate and key (no temporary or .prev files).
        Assert.Equal(["tls.crt", "tls.key"], Directory.GetFiles(Path.GetDirectoryName(files.KeyPath)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("PRIVATE KEY", server.Logs.AllText, StringComparison.Ordinal);
    }

    private static string PemBody(string pem) =>
        string.Concat(pem.Split('\n').Where(line => line.Length > 0 && !line.StartsWith("-----", StringComparison.Ordinal)).Select(line => line.Trim()));
}
