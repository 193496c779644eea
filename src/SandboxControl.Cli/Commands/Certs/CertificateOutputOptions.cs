using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Cli.Certificates;
using SandboxControl.Cli.Output;
using SandboxControl.Pki;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary><c>--out F --key-out F [--force]</c> (<c>--out</c> was <c>--cert-out</c>), and writing a certificate with its key to them.</summary>
internal sealed class CertificateOutputOptions
{
    public RenamedOption CertificateOut { get; } = new(
        new Option<string>("--out") { Description = "Where to write the PEM certificate (mode 0644).", HelpName = "FILE" }, "--cert-out", required: true);

    public Option<string> KeyOut { get; } = new("--key-out") { Description = "Where to write the PEM private key (mode 0600).", HelpName = "FILE", Required = true };

    public Option<bool> Force { get; } = new("--force") { Description = "Replace existing files." };

    public void AddTo(Command command)
    {
        CertificateOut.AddTo(command);
        command.Options.Add(KeyOut);
        command.Options.Add(Force);
    }

    /// <summary>The two absolute output paths, checked before any work is done.</summary>
    public (string Certificate, string Key) Paths(CommandContext context)
    {
        var certificate = context.FullPath(CertificateOut.Get(context)!);
        var key = context.FullPath(context.Get(KeyOut));
        OutputGuard.EnsureWritable(context.Get(Force), certificate, key);
        return (certificate, key);
    }

    /// <summary>Writes the certificate and its private key, then prints where they went (never the key).</summary>
    public static async Task WriteAsync(CommandContext context, X509Certificate2 certificate, (string Certificate, string Key) paths)
    {
        PemFiles.WriteCertificate(paths.Certificate, certificate);
        PemFiles.WritePrivateKey(paths.Key, certificate);
        await context.WriteFieldsAsync(
            new ResultField("certificate", "certificate", paths.Certificate),
            new ResultField("private key", "privateKey", paths.Key),
            new ResultField("subject", "subject", certificate.Subject),
            new ResultField("names", "subjectAlternativeNames", Names(certificate)),
            new ResultField("serial", "serialNumber", certificate.SerialNumber),
            new ResultField("not after", "notAfter", Timestamps.Format(certificate.NotAfter.ToUniversalTime())));
    }

    private static string[] Names(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(extension => extension.EnumerateDnsNames().Concat(extension.EnumerateIPAddresses().Select(ip => ip.ToString())))
            .Concat(UriNames(certificate))
            .ToArray();

    private static IEnumerable<string> UriNames(X509Certificate2 certificate)
    {
        // X509SubjectAlternativeNameExtension has no URI enumerator; the formatted text lists "URL=..." entries.
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            foreach (var part in extension.Format(multiLine: true).Split('\n', StringSplitOptions.TrimEntries))
            {
                if (part.StartsWith("URI:", StringComparison.Ordinal) || part.StartsWith("URL=", StringComparison.Ordinal))
                {
                    yield return part[4..];
                }
            }
        }
    }
}
