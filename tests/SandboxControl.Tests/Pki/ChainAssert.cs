using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Tests.Pki;

/// <summary>Builds chains the way the server does: only the given root trusted, no downloads, no online revocation.</summary>
internal static class ChainAssert
{
    internal static X509Chain Build(X509Certificate2 leaf, X509Certificate2 root, params X509Certificate2[] intermediates)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.DisableCertificateDownloads = true;
        // Revocation is our own deny list, not CRL/OCSP (see DESIGN.md).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        _ = chain.Build(leaf);
        return chain;
    }

    internal static X509ChainStatusFlags Status(X509Chain chain) =>
        chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (flags, status) => flags | status.Status);
}
