using System.Collections.Concurrent;
using System.Text.Json;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.Audit;

/// <summary>The audit trail of a child-process server that is SIGKILLed under load or SIGTERMed while the audit is unwritable.</summary>
public sealed class AuditProcessFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("audit-proc");

    [Fact]
    public async Task Sigkill_UnderLoad_EveryCallAClientSawServedHasItsEventOnDisk()
    {
        using var server = ServerProcess.Start(await TestServer.ArgumentsAsync(_pki, _data.Path), _data.Path);
        var address = await server.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        using var channel = GrpcClients.Channel(address, _pki.Ca.Certificate, _pki.Operator(TestServer.AdminName));
        var admin = GrpcClients.Client(channel);
        var served = new ConcurrentBag<string>();
        var count = 0;
        using var killed = new CancellationTokenSource();

        var load = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !killed.IsCancellationRequested; i++)
            {
                var id = $"probe-{worker}-{i}";
                try
                {
                    await admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id });
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
                {
                    // Audited and served (the sandbox does not exist).
                    served.Add(id);
                    Interlocked.Increment(ref count);
                }
                catch (RpcException)
                {
                    return;
                }
            }
        })).ToList();
        while (Volatile.Read(ref count) < 300)
        {
            await Task.Delay(10);
        }

        server.KillHard();
        await killed.CancelAsync();
        await Task.WhenAll(load);

        var recorded = new HashSet<string>(
            File.ReadAllLines(Path.Combine(_data.Path, "audit.log"))
                .Where(line => line.Length > 0)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Where(e => e.GetProperty("target").ValueKind == JsonValueKind.String)
                .Select(e => e.GetProperty("target").GetString()!),
            StringComparer.Ordinal);
        output.WriteLine($"{served.Count} calls served before SIGKILL, {recorded.Count} targets in the audit file");
        Assert.All(served, id => Assert.Contains(id, recorded));
    }

    [RootFact]
    public async Task Sigterm_WhileAuditUnwritable_OneLineAndExitThree_NoStackTrace()
    {
        using var server = ServerProcess.Start(await TestServer.ArgumentsAsync(_pki, _data.Path), _data.Path);
        var address = await server.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        using var channel = GrpcClients.Channel(address, _pki.Ca.Certificate, _pki.Operator(TestServer.AdminName));
        await GrpcClients.Client(channel).CreateSandboxAsync(new CreateSandboxRequest { SandboxId = "s1" });
        var auditPath = Path.Combine(_data.Path, "audit.log");

        FaultTools.Chattr("+i", auditPath);
        try
        {
            server.Terminate();
            var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

            output.WriteLine(server.Output);
            Assert.Equal(3, exitCode);
            Assert.Single(server.Output.Split('\n'), line => line.Contains("Audit error:", StringComparison.Ordinal));
            Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
        }
        finally
        {
            FaultTools.Chattr("-i", auditPath);
        }
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
