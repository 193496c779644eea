using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Pki;

/// <summary>
/// The CA's private key and a signature generator over it. A fresh handle per issuance keeps
/// concurrent issuance from sharing one key object across threads.
/// </summary>
internal sealed class IssuerKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private IssuerKey(AsymmetricAlgorithm key, X509SignatureGenerator generator)
    {
        _key = key;
        Generator = generator;
    }

    internal X509SignatureGenerator Generator { get; }

    internal static IssuerKey From(X509Certificate2 certificate)
    {
        var ecdsa = certificate.GetECDsaPrivateKey();
        if (ecdsa is not null)
        {
            return new IssuerKey(ecdsa, X509SignatureGenerator.CreateForECDsa(ecdsa));
        }

        var rsa = certificate.GetRSAPrivateKey();
        if (rsa is not null)
        {
            return new IssuerKey(rsa, X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1));
        }

        throw new InvalidOperationException("The CA certificate has no usable ECDSA or RSA private key.");
    }

    public void Dispose() => _key.Dispose();
}
