using System.Net;
using SandboxControl.Pki;

namespace SandboxControl.Bench;

/// <summary>Writes a throw-away PKI for a benchmark run: CA, loopback server certificate, ADMIN and ISSUER operator certificates.</summary>
internal static class CertsCommand
{
    public static int Run(BenchOptions options)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        string Path(string name) => System.IO.Path.Combine(options.OutputDirectory, name);
        using var ca = CertificateAuthority.CreateRoot("SandboxControl bench CA", TimeSpan.FromDays(2));
        ca.Save(Path("ca.crt"), Path("ca.key"));
        using var server = ca.IssueServerCertificate(["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(2));
        PemFiles.WriteCertificate(Path("server.crt"), server);
        PemFiles.WritePrivateKey(Path("server.key"), server);
        using var admin = ca.IssueOperatorCertificate(options.TrustDomain, "bench", TimeSpan.FromDays(2));
        PemFiles.WriteCertificate(Path("operator.crt"), admin);
        PemFiles.WritePrivateKey(Path("operator.key"), admin);
        using var issuer = ca.IssueOperatorCertificate(options.TrustDomain, "bench-issuer", TimeSpan.FromDays(2));
        PemFiles.WriteCertificate(Path("issuer.crt"), issuer);
        PemFiles.WritePrivateKey(Path("issuer.key"), issuer);
        Console.WriteLine($"certificates written to {options.OutputDirectory} (trust domain {options.TrustDomain}, operators 'bench' and 'bench-issuer')");
        return 0;
    }
}
