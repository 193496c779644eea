using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ListenerProbeGroup
{
    public const string Name = "Listeners (alone, so this process holds only one server's sockets)";
}

/// <summary>
/// Finds every socket the server process listens on and proves none answers without a valid client
/// certificate: no health port, no metrics, no debug route, no plaintext or h2c fallback.
/// </summary>
[Collection(ListenerProbeGroup.Name)]
public sealed class ListenerProbeTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Paths = ["/", "/health", "/healthz", "/metrics", "/grpc.health.v1.Health/Check", "/debug", "/sandboxcontrol.v1.SandboxControl/ListSandboxes"];
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("listeners");
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path);

    [Fact]
    public void Process_ListensOnExactlyOneSocket_TheConfiguredOne()
    {
        var ports = ListeningPorts();

        Assert.Equal([_server.Address.Port], ports);
    }

    [Fact]
    public async Task EveryListener_PlaintextHttp_NoHttpResponse()
    {
        foreach (var port in ListeningPorts())
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            var buffer = new byte[256];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                read = 0;
            }

            Assert.DoesNotContain("HTTP/", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryListener_H2cPriorKnowledge_Refused()
    {
        foreach (var port in ListeningPorts())
        {
            using var client = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/metrics")
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };

            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.SendAsync(request));
        }
    }

    [Fact]
    public async Task EveryListener_TlsWithoutClientCertificate_EveryPathRefused()
    {
        foreach (var port in ListeningPorts())
        {
            foreach (var path in Paths)
            {
                using var client = new HttpClient(Handler(null));
                using var request = new HttpRequestMessage(HttpMethod.Post, $"https://127.0.0.1:{port}{path}") { Version = HttpVersion.Version20 };

                await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.SendAsync(request));
            }
        }
    }

    [Fact]
    public async Task WithClientCertificate_NonGrpcPaths_NotFound()
    {
        using var client = new HttpClient(Handler(_pki.Operator(TestServer.AdminName)));
        // /metrics exists, for operators only (MetricsTests); nothing else that is not gRPC.
        foreach (var path in new[] { "/", "/health", "/healthz", "/debug", "/metrics/../debug" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Address, path)) { Version = HttpVersion.Version20 };

            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private SocketsHttpHandler Handler(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificateContext = certificate is null ? null : SslStreamCertificateContext.Create(certificate, null, offline: true),
            // Server name and chain checked against the test CA: the probe must reach our server, not a stand-in.
            RemoteCertificateValidationCallback = (_, serverCertificate, _, errors) =>
                errors == SslPolicyErrors.None || (serverCertificate is System.Security.Cryptography.X509Certificates.X509Certificate2 server && ChainsToTestCa(server)),
        },
    };

    private bool ChainsToTestCa(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_pki.Ca.Certificate);
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>TCP ports this process listens on, from /proc: every socket, not just the ones we know of.</summary>
    private static List<int> ListeningPorts()
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target[8..^1]);
            }
        }

        var ports = new SortedSet<int>();
        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // State 0A is LISTEN; column 9 is the socket inode.
                if (columns[3] == "0A" && inodes.Contains(columns[9]))
                {
                    ports.Add(int.Parse(columns[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return [.. ports];
    }
}
