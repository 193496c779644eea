using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>A flooding sandbox exhausts only its own budget: ResourceExhausted for it, service as usual for others.</summary>
public sealed class RateLimitTests : IAsyncLifetime, IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("ratelimit");
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
    {
        ["RateLimit:PermitsPerSecond"] = "5",
        ["RateLimit:Burst"] = "10",
    });

    [Fact]
    public async Task FloodingSandbox_ResourceExhausted_OtherSandboxKeepsWorking()
    {
        var flooder = await _server.CreateSandboxAsync("flooder", "p");
        var neighbour = await _server.CreateSandboxAsync("neighbour", "q");

        var flood = Enumerable.Range(0, 60).Select(async _ =>
        {
            try
            {
                await flooder.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "flooder" });
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }).ToList();
        var neighbourPolicies = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            neighbourPolicies.Add((await neighbour.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "neighbour" })).Document);
        }

        var outcomes = await Task.WhenAll(flood);

        Assert.All(neighbourPolicies, document => Assert.Equal("q", document));
        Assert.Equal(outcomes.Length, outcomes.Count(s => s is StatusCode.OK or StatusCode.ResourceExhausted));
        // Burst of 10 plus at most a few refills during the flood.
        Assert.InRange(outcomes.Count(s => s == StatusCode.OK), 10, 25);
        Assert.True(outcomes.Count(s => s == StatusCode.ResourceExhausted) >= 35);
        Assert.Contains(_server.AuditEvents(), e => e.GetProperty("status").GetString() == "ResourceExhausted" && e.GetProperty("caller").GetString() == "sandbox/flooder");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
