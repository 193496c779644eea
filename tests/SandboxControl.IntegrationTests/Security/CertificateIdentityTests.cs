using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>A valid chain that names nobody (or a dead sandbox) gets Unauthenticated, before any handler runs.</summary>
public sealed class CertificateIdentityTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Policy = "identity-test-policy";

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task TwoUriSans_Unauthenticated()
    {
        var id = await Server.CreateUniqueSandboxAsync("ident", Policy);

        await AssertUnauthenticatedAsync(id, Leaf([Spiffe(id), Spiffe("other")]), "more than one URI SAN");
    }

    [Fact]
    public async Task WrongTrustDomain_Unauthenticated()
    {
        var id = await Server.CreateUniqueSandboxAsync("ident", Policy);

        await AssertUnauthenticatedAsync(id, Leaf([SpiffeIds.ForSandbox("evil.test", id)]), "wrong trust domain");
    }

    [Fact]
    public async Task MalformedId_Unauthenticated()
    {
        var id = await Server.CreateUniqueSandboxAsync("ident", Policy);

        await AssertUnauthenticatedAsync(id, Leaf([Spiffe(id.ToUpperInvariant())]), "malformed id in SPIFFE path");
    }

    [Fact]
    public async Task NoUriSan_CnAndDnsNamingSandboxIgnored_Unauthenticated()
    {
        var id = await Server.CreateUniqueSandboxAsync("ident", Policy);
        var certificate = Server.Pki.Custom(new LeafCertificateSpec { CommonName = id, DnsSans = [id, Spiffe(id)] });

        await AssertUnauthenticatedAsync(id, certificate, "no URI SAN");
    }

    [Fact]
    public async Task DeletedSandboxCertificate_UnauthenticatedOnOpenConnection()
    {
        var id = await Server.CreateUniqueSandboxAsync("ident", Policy);
        var certificate = Server.Pki.Sandbox(id);
        var client = Server.Client(certificate);
        Assert.Equal(Policy, (await client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);

        await Server.Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });

        // Same channel, same TLS connection: the deletion takes effect on the very next call.
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("client certificate not accepted", ex.Status.Detail);
        Assert.Equal("sandbox does not exist", Server.LastDenialReason(certificate.SerialNumber));
    }

    [Fact]
    public async Task CertificateIssuedBeforeSandboxRecreated_Unauthenticated()
    {
        var id = "recreated-" + Guid.NewGuid().ToString("N")[..8];
        // Issued a minute before the sandbox (re)appears, as a certificate of an earlier sandbox of this id would be.
        var old = Leaf([Spiffe(id)], DateTimeOffset.UtcNow.AddMinutes(-1));
        await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = Policy });
        await Server.RecreateSandboxAsync(id, Policy);

        await AssertUnauthenticatedAsync(id, old, "certificate predates the sandbox");
        var fresh = Server.Client(Server.Pki.Sandbox(id));
        Assert.Equal(Policy, (await fresh.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
    }

    [Fact]
    public async Task RecreateInSameSecondAsDelete_Unavailable()
    {
        // A certificate issued to the old sandbox in the deletion's second would otherwise pass for the new one.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var id = await Server.CreateUniqueSandboxAsync("ident", Policy);
            var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            await Server.Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });
            try
            {
                await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id });
                Assert.NotEqual(before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            }
            catch (RpcException ex)
            {
                Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
                return;
            }
        }

        Assert.Fail("delete and create never fell in the same second");
    }

    private static string Spiffe(string id) => SpiffeIds.ForSandbox(TestPki.TrustDomain, id);

    private X509Certificate2 Leaf(IReadOnlyList<string> uris, DateTimeOffset? notBefore = null) =>
        Server.Pki.Custom(new LeafCertificateSpec { UriSans = uris, NotBefore = notBefore });

    private async Task AssertUnauthenticatedAsync(string id, X509Certificate2 certificate, string reason)
    {
        var client = Server.Client(certificate);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        // One fixed message for every reason (no oracle); the reason itself is in the audit log.
        Assert.Equal("client certificate not accepted", ex.Status.Detail);
        Assert.Equal(reason, Server.LastDenialReason(certificate.SerialNumber));
    }
}
