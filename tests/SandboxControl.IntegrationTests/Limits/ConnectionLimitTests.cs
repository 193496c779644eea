using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Limits;

/// <summary>Connections per certificate identity are capped after the handshake; idle connections are closed.</summary>
public sealed class ConnectionLimitTests : IAsyncLifetime, IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("connections");
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
    {
        ["Server:MaxConnectionsPerCaller"] = "2",
        ["Server:IdleTimeout"] = "00:00:02",
    });

    [Fact]
    public async Task ThirdConnectionOfOneCaller_Refused_EstablishedOnesAndOtherCallersServed()
    {
        var id = await _server.CreateUniqueSandboxAsync("conn", "p");
        var other = await _server.CreateUniqueSandboxAsync("conn", "q");
        var certificate = await _server.SandboxCertificateAsync(id);
        // Each channel has its own HTTP handler, so its own connection.
        var first = _server.Channel(certificate);
        var second = _server.Channel(certificate);
        var held = new List<AsyncServerStreamingCall<LogLine>>();
        await StreamCapTests.PushBigLinesAsync(GrpcClients.Client(first), id, 1);
        foreach (var channel in new[] { first, second })
        {
            Assert.Equal("p", (await GrpcClients.Client(channel).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
            // An open follow stream keeps the connection from idling out under the short IdleTimeout.
            var follow = GrpcClients.Client(channel).GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id, Follow = true });
            Assert.True(await follow.ResponseStream.MoveNext());
            held.Add(follow);
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => _server.Client(certificate).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id }).ResponseAsync);

        // Closed right after the handshake: seen as Unavailable, or as Internal when the client had already sent its request.
        Assert.Contains(ex.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.Equal("p", (await GrpcClients.Client(first).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
        Assert.Equal("q", (await _server.Client(await _server.SandboxCertificateAsync(other)).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = other })).Document);
        Assert.Contains(_server.Logs.Lines, line => line.Contains("Connection of sandbox/" + id + " closed", StringComparison.Ordinal));
        held.ForEach(call => call.Dispose());
    }

    [Fact]
    public async Task HandshakenConnectionSendingNothing_ClosedAfterIdleTimeout()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var tls = await RawTls.ConnectAsync(_server.Address, _pki.Ca.Certificate, _pki.Operator(TestServer.ViewerName), System.Security.Authentication.SslProtocols.Tls13, null);

        // Nothing sent; the server closes its side (Kestrel's default would hold it 130 s).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        int read;
        try
        {
            do
            {
                read = await tls.ReadAsync(buffer, deadline.Token);
            }
            while (read > 0);
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.Equal(0, read);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
