using System.Diagnostics;
using System.Net.Sockets;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Limits;

/// <summary>
/// What an unauthenticated peer can hold: TCP connections that never start TLS are closed after the handshake
/// timeout, and the server-wide connection cap refuses the rest without disturbing connections already served.
/// </summary>
public sealed class PreHandshakeLimitTests : IAsyncLifetime, IDisposable
{
    private const int MaxConnections = 5;
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("prehandshake");
    private readonly List<TcpClient> _silent = [];
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
    {
        ["Server:MaxConnections"] = MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Long enough that the silent connections still hold their slots when the refused call is made, on a loaded machine.
        ["Server:HandshakeTimeout"] = "00:00:10",
    });

    [Fact]
    public async Task TcpConnectionSendingNothing_ClosedAfterHandshakeTimeout()
    {
        var clock = Stopwatch.StartNew();
        var silent = await OpenSilentAsync();

        Assert.True(await ClosedByServerAsync(silent, TimeSpan.FromSeconds(30)), "the server kept a connection that never sent a ClientHello");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(25));
    }

    [Fact]
    public async Task ConnectionsBeyondServerCap_Refused_ServedConnectionKeepsWorking()
    {
        var id = await _server.CreateUniqueSandboxAsync("cap", "p");
        var certificate = await _server.SandboxCertificateAsync(id);
        var served = _server.Client(certificate);
        Assert.Equal("p", (await served.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);

        // The served connection and TestServer's admin and issuer connections hold three slots; silent TCP connections
        // take the rest (those beyond the cap are closed at once).
        for (var i = 0; i < MaxConnections; i++)
        {
            await OpenSilentAsync();
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            _server.Client(certificate).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("p", (await served.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);

        // The silent ones are dropped at the handshake timeout, and new connections are accepted again.
        foreach (var silent in _silent)
        {
            Assert.True(await ClosedByServerAsync(silent, TimeSpan.FromSeconds(30)), "a silent connection outlived the handshake timeout");
        }

        Assert.Equal("p", await FirstAnswerWithinAsync(certificate, id, TimeSpan.FromSeconds(5)));
    }

    // The server counts a connection free once it has finished closing it, a moment after the peer sees the close.
    private async Task<string> FirstAnswerWithinAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string id, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return (await _server.Client(certificate).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && clock.Elapsed < within)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<TcpClient> OpenSilentAsync()
    {
        var tcp = new TcpClient();
        _silent.Add(tcp);
        await tcp.ConnectAsync(_server.Address.Host, _server.Address.Port);
        return tcp;
    }

    private static async Task<bool> ClosedByServerAsync(TcpClient tcp, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        var buffer = new byte[256];
        try
        {
            while (await tcp.GetStream().ReadAsync(buffer, deadline.Token) > 0)
            {
                // A refusal may send a TLS alert first; what matters is that the server ends the connection.
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        _silent.ForEach(tcp => tcp.Dispose());
        await _server.DisposeAsync();
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
