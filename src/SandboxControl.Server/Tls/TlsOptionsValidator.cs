using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Hosting;

namespace SandboxControl.Server.Tls;

/// <summary>Refuses to start with TLS material that is missing, unreadable, mismatched or exposed.</summary>
internal sealed class TlsOptionsValidator : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        List<string> failures = [];
        if (options.ReloadInterval <= TimeSpan.Zero)
        {
            failures.Add("Tls:ReloadInterval must be positive.");
        }

        RequireFile(failures, "Tls:ServerCertificatePath", options.ServerCertificatePath);
        RequireFile(failures, "Tls:ServerKeyPath", options.ServerKeyPath);
        RequireFile(failures, "Tls:ClientCaPath", options.ClientCaPath);
        if (failures.Count > 0)
        {
            return ValidateOptionsResult.Fail(failures);
        }

        if (FilePermissions.IsExposed(options.ServerKeyPath))
        {
            failures.Add($"Tls:ServerKeyPath '{options.ServerKeyPath}' is readable by group or others; chmod 600 it.");
        }

        try
        {
            using var server = X509Certificate2.CreateFromPemFile(options.ServerCertificatePath, options.ServerKeyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // A mismatched key throws ArgumentException, an unreadable one CryptographicException.
            // The exception text is not shown: it could quote key material on some platforms.
            failures.Add($"Tls:ServerKeyPath '{options.ServerKeyPath}' is not a private key matching '{options.ServerCertificatePath}'.");
        }

        try
        {
            var cas = new X509Certificate2Collection();
            cas.ImportFromPemFile(options.ClientCaPath);
            if (cas.Count == 0)
            {
                failures.Add($"Tls:ClientCaPath '{options.ClientCaPath}' contains no certificate.");
            }

            foreach (var ca in cas)
            {
                ca.Dispose();
            }
        }
        catch (CryptographicException)
        {
            failures.Add($"Tls:ClientCaPath '{options.ClientCaPath}' is not a PEM certificate bundle.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireFile(List<string> failures, string key, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{key} is required.");
        }
        else if (!File.Exists(path))
        {
            failures.Add($"{key} file '{path}' does not exist.");
        }
    }
}
