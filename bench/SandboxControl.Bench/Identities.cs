using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;

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

    public static X509Certificate2Collection LoadCas(string path) => PemFiles.LoadCertificates(path);
}
