using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Cli.Connection;

/// <summary>
/// Checks the server's certificate against the CA file only, and remembers why it refused one so the
/// "cannot connect" message can say so (the TLS stack only reports that the callback said no).
/// </summary>
internal sealed class ServerCertificateValidator(ConnectionSettings settings, X509Certificate2Collection trustedCas)
{
    private volatile string? _failure;

    /// <summary>Why the last server certificate was refused, or <see langword="null"/>.</summary>
    public string? Failure => _failure;

    /// <summary>Trust only the CA file: no system roots (a public CA cannot vouch for our server), no AIA downloads, no CRL/OCSP fetches.</summary>
    public X509ChainPolicy CreateChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.AddRange(trustedCas);
        return policy;
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var reasons = new List<string>();
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0 || certificate is null)
        {
            reasons.Add("the server sent no certificate");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            reasons.Add($"it is not issued for the name '{settings.Server.IdnHost}'");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            var statuses = chain?.ChainStatus.Select(status => status.Status.ToString()).Distinct().ToArray() ?? [];
            reasons.Add("chain check failed (" + (statuses.Length == 0 ? "unknown reason" : string.Join(", ", statuses)) + ")");
        }
        else if (reasons.Count == 0 && !EndsAtTrustedCa(chain))
        {
            // Belt and braces: the chain policy already restricts roots; a root outside the CA file must never pass.
            reasons.Add("its chain does not end at a certificate of the CA file");
        }

        if (reasons.Count == 0)
        {
            return true;
        }

        var serial = (certificate as X509Certificate2)?.SerialNumber ?? "unknown";
        _failure = $"cannot connect: the server certificate of {settings.Endpoint} (serial {serial}) is not trusted by CA file '{settings.CaPath}': "
            + string.Join("; ", reasons) + ".";
        return false;
    }

    private bool EndsAtTrustedCa(X509Chain? chain)
    {
        if (chain is null || chain.ChainElements.Count == 0)
        {
            return false;
        }

        var root = chain.ChainElements[^1].Certificate;
        return trustedCas.Any(ca => ca.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span));
    }
}
