using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;
using SandboxControl.V1;

namespace SandboxControl.Bench;

/// <summary>Distinct sandbox identities, each with its own certificate, issued before the clock starts.</summary>
internal sealed class Identities
{
    private Identities(string[] ids, SslStreamCertificateContext[] contexts)
    {
        Ids = ids;
        Contexts = contexts;
    }

    public string[] Ids { get; }

    public SslStreamCertificateContext[] Contexts { get; }

    public int Count => Ids.Length;

    public static string SandboxId(string prefix, int index) => prefix + index.ToString("D5", CultureInfo.InvariantCulture);

    public static Identities Issue(CertificateAuthority ca, BenchOptions options)
    {
        var ids = new string[options.Sandboxes];
        var contexts = new SslStreamCertificateContext[options.Sandboxes];
        Parallel.For(0, options.Sandboxes, index =>
        {
            ids[index] = SandboxId(options.SandboxPrefix, index);
            var certificate = ca.IssueSandboxCertificate(options.TrustDomain, ids[index], TimeSpan.FromHours(6));
            contexts[index] = ChannelFactory.Context(certificate);
        });
        return new Identities(ids, contexts);
    }

    /// <summary>
    /// Through the server, as production gets them: a key made here, a CSR, IssueSandboxCertificate by an ISSUER
    /// operator. The full server accepts only certificates it recorded, so this is how its benchmark must get them.
    /// </summary>
    public static async Task<Identities> IssueThroughServerAsync(ChannelFactory factory, X509Certificate2 issuer, BenchOptions options)
    {
        var ids = new string[options.Sandboxes];
        var contexts = new SslStreamCertificateContext[options.Sandboxes];
        using var channel = factory.Create(ChannelFactory.Context(issuer));
        var client = new V1.SandboxControl.SandboxControlClient(channel);
        await Parallel.ForAsync(0, options.Sandboxes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (index, cancellationToken) =>
        {
            ids[index] = SandboxId(options.SandboxPrefix, index);
            contexts[index] = await IssueOneAsync(client, ids[index], cancellationToken);
        });
        return new Identities(ids, contexts);
    }

    /// <summary>One sandbox certificate issued (and so recorded) by the server, with a key made here.</summary>
    public static async Task<SslStreamCertificateContext> IssueOneAsync(V1.SandboxControl.SandboxControlClient issuerClient, string sandboxId, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=" + sandboxId, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var response = await issuerClient.IssueSandboxCertificateAsync(
            new IssueSandboxCertificateRequest { SandboxId = sandboxId, CsrPem = csr }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
        using var issued = X509Certificate2.CreateFromPem(response.CertificatePem);
        return ChannelFactory.Context(issued.CopyWithPrivateKey(key));
    }

    /// <summary>Saves each identity's certificate and key (PKCS#12, no password: bench certificates in a temp dir).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        Parallel.For(0, Count, index =>
            File.WriteAllBytes(Path.Combine(directory, Ids[index] + ".p12"), Contexts[index].TargetCertificate.Export(X509ContentType.Pkcs12)));
    }

    /// <summary>The identities <see cref="Save"/> wrote for these options' sandboxes.</summary>
    public static Identities Load(string directory, BenchOptions options)
    {
        var ids = new string[options.Sandboxes];
        var contexts = new SslStreamCertificateContext[options.Sandboxes];
        Parallel.For(0, options.Sandboxes, index =>
        {
            ids[index] = SandboxId(options.SandboxPrefix, index);
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(directory, ids[index] + ".p12"), null);
            contexts[index] = ChannelFactory.Context(certificate);
        });
        return new Identities(ids, contexts);
    }

    public static X509Certificate2Collection LoadCas(string path) => PemFiles.LoadCertificates(path);
}
