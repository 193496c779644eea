using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Client.Credentials;

/// <summary>One generation of what a connection needs: our certificate with its key, and the CAs we trust for the server.</summary>
internal sealed class ClientCredentials(X509Certificate2 certificate, X509Certificate2Collection trustedCas) : IDisposable
{
    public X509Certificate2 Certificate { get; } = certificate;

    public X509Certificate2Collection TrustedCas { get; } = trustedCas;

    public SandboxIdentity Identity { get; } = SandboxIdentity.FromCertificate(certificate);

    /// <summary>The same trust with another certificate (after a renewal); the CA copies are owned by the new generation.</summary>
    public ClientCredentials With(X509Certificate2 renewed)
    {
        var cas = new X509Certificate2Collection();
        foreach (var ca in TrustedCas)
        {
            cas.Add(X509CertificateLoader.LoadCertificate(ca.RawData));
        }

        return new ClientCredentials(renewed, cas);
    }

    public bool SameAs(ClientCredentials other) =>
        Certificate.Thumbprint == other.Certificate.Thumbprint
        && TrustedCas.Count == other.TrustedCas.Count
        && TrustedCas.Cast<X509Certificate2>().Zip(other.TrustedCas.Cast<X509Certificate2>()).All(pair => pair.First.Thumbprint == pair.Second.Thumbprint);

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var ca in TrustedCas)
        {
            ca.Dispose();
        }
    }
}
