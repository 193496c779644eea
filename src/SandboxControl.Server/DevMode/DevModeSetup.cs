using System.Net;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;
using SandboxControl.Server.Secrets;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.DevMode;

/// <summary>
/// `dotnet run` on a fresh clone: in the Development environment with no TLS configured, create a dev
/// CA, server, operator (admin and issuer) and demo-sandbox certificates under certs/dev/ and listen on
/// 127.0.0.1 only. The demo sandbox's certificate is recorded in the store like any the server issues.
/// Never active in any other environment, so a misconfigured production server fails instead.
/// </summary>
internal static class DevModeSetup
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromHours(1);

    public static void ApplyIfRequested(WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment() || !string.IsNullOrEmpty(builder.Configuration["Tls:ServerCertificatePath"]))
        {
            return;
        }

        var paths = DevModePaths.Locate(Directory.GetCurrentDirectory());
        CreatePrivateDirectory(paths.CertificateDirectory);
        CreatePrivateDirectory(paths.DataDirectory);
        using var ca = LoadOrCreateCa(paths);
        if (NeedsIssuing(paths.ServerCertificate))
        {
            using var server = ca.IssueServerCertificate(["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], TimeSpan.FromDays(90));
            Write(server, paths.ServerCertificate, paths.ServerKey);
        }

        if (NeedsIssuing(paths.OperatorCertificate))
        {
            using var admin = ca.IssueOperatorCertificate(DevModePaths.TrustDomain, DevModePaths.OperatorName);
            Write(admin, paths.OperatorCertificate, paths.OperatorKey);
        }

        if (NeedsIssuing(paths.IssuerCertificate))
        {
            using var issuer = ca.IssueOperatorCertificate(DevModePaths.TrustDomain, DevModePaths.IssuerName);
            Write(issuer, paths.IssuerCertificate, paths.IssuerKey);
        }

        if (!File.Exists(paths.SecretsKey))
        {
            SecretsKeyFile.Create(paths.SecretsKey);
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Server:ListenAddress"] = "127.0.0.1",
            ["Tls:ServerCertificatePath"] = paths.ServerCertificate,
            ["Tls:ServerKeyPath"] = paths.ServerKey,
            ["Tls:ClientCaPath"] = paths.CaCertificate,
            ["Identity:TrustDomain"] = DevModePaths.TrustDomain,
            ["Authorization:Operators:" + DevModePaths.OperatorName] = "Admin",
            ["Authorization:Operators:" + DevModePaths.IssuerName] = "Issuer",
            ["Secrets:KeyPath"] = paths.SecretsKey,
            ["Storage:SqlitePath"] = paths.Database,
            ["Audit:Path"] = paths.AuditLog,
            ["Issuance:CaCertificatePath"] = paths.CaCertificate,
            ["Issuance:CaKeyPath"] = paths.CaKey,
        });
        builder.Services.AddSingleton(paths);
    }

    /// <summary>Creates the demo sandbox, then its certificate: a certificate older than its sandbox is refused.</summary>
    public static async Task SeedIfActiveAsync(WebApplication app, CancellationToken cancellationToken)
    {
        if (app.Services.GetService<DevModePaths>() is not { } paths)
        {
            return;
        }

        var store = app.Services.GetRequiredService<ISandboxStore>();
        var created = await store.CreateSandboxAsync(DevModePaths.DemoSandboxId, DemoPolicy, "dev-mode", cancellationToken).ConfigureAwait(false);
        if (created is not null)
        {
            await store.SetProviderEnvironmentAsync(
                DevModePaths.DemoSandboxId,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["DEMO_API_TOKEN"] = "dev-only-" + Guid.NewGuid().ToString("N") },
                cancellationToken).ConfigureAwait(false);
        }

        if (created is not null || NeedsIssuing(paths.SandboxCertificate) || !IsRecorded(store, paths.SandboxCertificate))
        {
            using var ca = CertificateAuthority.Load(paths.CaCertificate, paths.CaKey);
            using var sandbox = ca.IssueSandboxCertificate(DevModePaths.TrustDomain, DevModePaths.DemoSandboxId);
            // Recorded before it is written: only certificates on the allow list are accepted.
            var incarnation = store.GetSandboxEntry(DevModePaths.DemoSandboxId)?.Incarnation
                ?? throw new InvalidOperationException("The dev-mode demo sandbox disappeared while it was being seeded.");
            var record = new CertificateRecord(
                sandbox.SerialNumber,
                DevModePaths.DemoSandboxId,
                incarnation,
                null,
                new DateTimeOffset(sandbox.NotBefore.ToUniversalTime()),
                new DateTimeOffset(sandbox.NotAfter.ToUniversalTime()),
                "dev-mode",
                null);
            await store.RecordCertificateAsync(record, cancellationToken).ConfigureAwait(false);
            Write(sandbox, paths.SandboxCertificate, paths.SandboxKey);
        }
    }

    // A demo certificate from before the allow list (or from another database) would be refused: issue a new one.
    private static bool IsRecorded(ISandboxStore store, string certificatePath)
    {
        using var existing = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        return store.FindCertificate(existing.SerialNumber) is not null;
    }

    private const string DemoPolicy = "# demo policy\nnetwork:\n  egress: deny\nfilesystem:\n  read_only: true\n";

    private static CertificateAuthority LoadOrCreateCa(DevModePaths paths)
    {
        if (File.Exists(paths.CaCertificate) && File.Exists(paths.CaKey))
        {
            return CertificateAuthority.Load(paths.CaCertificate, paths.CaKey);
        }

        var ca = CertificateAuthority.CreateRoot("SandboxControl dev CA", TimeSpan.FromDays(365));
        ca.Save(paths.CaCertificate, paths.CaKey);
        return ca;
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool NeedsIssuing(string certificatePath)
    {
        if (!File.Exists(certificatePath))
        {
            return true;
        }

        using var existing = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        return existing.NotAfter.ToUniversalTime() - DateTime.UtcNow < RenewBefore;
    }

    private static void Write(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        File.Delete(keyPath);
        PemFiles.WritePrivateKey(keyPath, certificate);
        PemFiles.WriteCertificate(certificatePath, certificate);
    }
}
