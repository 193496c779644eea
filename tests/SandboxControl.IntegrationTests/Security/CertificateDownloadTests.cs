using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>A client certificate's AIA URL must never make the server fetch anything (blind SSRF, handshake stalls).</summary>
public sealed class CertificateDownloadTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task ClientCertificateWithAiaUrl_ServerFetchesNothing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/issuer.crt";
        using var leaf = LeafWithAia(url);
        var accept = listener.AcceptTcpClientAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Server.Client(leaf).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "x" }).ResponseAsync);

        Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal, ex.ToString());
        var fetched = await Task.WhenAny(accept, Task.Delay(TimeSpan.FromSeconds(2))) == accept;
        Assert.False(fetched, "the server connected to the certificate's AIA URL");
    }

    /// <summary>A leaf whose issuer is not sent and not trusted, with caIssuers pointing at our listener.</summary>
    private static X509Certificate2 LeafWithAia(string url)
    {
        // One instant for both: read twice, a second boundary between the reads put the leaf's end past the issuer's.
        var now = DateTimeOffset.UtcNow;
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuerRequest = new CertificateRequest("CN=unreachable issuer", issuerKey, HashAlgorithmName.SHA256);
        issuerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var issuer = issuerRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=aia", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Oids.ClientAuth)], false));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [url]));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(SpiffeIds.ForSandbox(TestPki.TrustDomain, "x")));
        request.CertificateExtensions.Add(san.Build());
        using var leaf = request.Create(issuer, now.AddMinutes(-1), now.AddHours(1), [1, 2, 3, 4]);
        return leaf.CopyWithPrivateKey(key);
    }
}
