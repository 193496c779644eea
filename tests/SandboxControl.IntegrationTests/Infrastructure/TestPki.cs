using System.Net;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>Certificates generated for one test run: the server's CA, a server certificate, and an unrelated CA.</summary>
public sealed class TestPki : IDisposable
{
    public const string TrustDomain = "sandboxes.test";

    public TestPki()
    {
        Directory = new TempDirectory("pki");
        Ca = CertificateAuthority.CreateRoot("SandboxControl test CA", TimeSpan.FromDays(2));
        OtherCa = CertificateAuthority.CreateRoot("Unrelated CA", TimeSpan.FromDays(2));
        Server = Ca.IssueServerCertificate(["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
        CaPath = Directory.Combine("ca.crt");
        CaKeyPath = Directory.Combine("ca.key");
        ServerCertificatePath = Directory.Combine("server.crt");
        ServerKeyPath = Directory.Combine("server.key");
        Ca.Save(CaPath, CaKeyPath);
        PemFiles.WriteCertificate(ServerCertificatePath, Server);
        PemFiles.WritePrivateKey(ServerKeyPath, Server);
    }

    public TempDirectory Directory { get; }

    public CertificateAuthority Ca { get; }

    public CertificateAuthority OtherCa { get; }

    public X509Certificate2 Server { get; }

    public string CaPath { get; }

    public string CaKeyPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public X509Certificate2 Sandbox(string id) => Ca.IssueSandboxCertificate(TrustDomain, id);

    public X509Certificate2 Operator(string name) => Ca.IssueOperatorCertificate(TrustDomain, name);

    /// <summary>A client certificate from our CA with whatever defects the spec describes.</summary>
    public X509Certificate2 Custom(LeafCertificateSpec spec) => Ca.Issue(spec);

    public void Dispose()
    {
        Server.Dispose();
        Ca.Dispose();
        OtherCa.Dispose();
        Directory.Dispose();
    }
}
