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
        var certificate = await Server.SandboxCertificateAsync(id);
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
    public async Task CertificateOfEarlierIncarnation_RecreatedAtOnce_UnauthenticatedAndNewOneWorks()
    {
        var id = "recreated-" + Guid.NewGuid().ToString("N")[..8];
        await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "old-tenant" });
        var old = await Server.SandboxCertificateAsync(id);
        // Delete and create back to back (usually within one second): no refusal, no waiting, a new incarnation.
        await Server.RecreateSandboxAsync(id, Policy);

        await AssertUnauthenticatedAsync(id, old, NotOnAllowList);
        var fresh = Server.Client(await Server.SandboxCertificateAsync(id));
        Assert.Equal(Policy, (await fresh.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
    }

    [Fact]
    public async Task CertificateFromTrustedCaNeverRecorded_Unauthenticated()
    {
        var id = await Server.CreateUniqueSandboxAsync("ident", Policy);
        // Chains to the configured CA and names the sandbox, made offline after the sandbox: only the allow list refuses it.
        var offline = Server.Pki.Ca.IssueSandboxCertificate(TestPki.TrustDomain, id);

        await AssertUnauthenticatedAsync(id, offline, NotOnAllowList);
    }

    private const string NotOnAllowList = "certificate is not on the allow list (not issued by this server, or for a deleted incarnation)";

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
