using Microsoft.Extensions.Options;
using SandboxControl.Server.Hosting;

namespace SandboxControl.Server.Issuance;

internal sealed class IssuanceOptionsValidator : IValidateOptions<IssuanceOptions>
{
    private static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(5);

    public ValidateOptionsResult Validate(string? name, IssuanceOptions options)
    {
        var hasCertificate = !string.IsNullOrEmpty(options.CaCertificatePath);
        var hasKey = !string.IsNullOrEmpty(options.CaKeyPath);
        List<string> failures = [];
        // A renewal records the new certificate while the caller's current one is still alive.
        if (options.MaxLiveCertificatesPerSandbox < 2)
        {
            failures.Add("Issuance:MaxLiveCertificatesPerSandbox must be at least 2.");
        }

        // Not shorter: a certificate pruned while a call it authenticated is still running (a renewal) must be impossible.
        if (options.ExpiredCertificateRetention < TimeSpan.FromHours(1))
        {
            failures.Add("Issuance:ExpiredCertificateRetention must be at least 1 hour.");
        }

        if (!hasCertificate && !hasKey)
        {
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        if (hasCertificate != hasKey)
        {
            failures.Add("Issuance:CaCertificatePath and Issuance:CaKeyPath must be set together.");
        }

        if (hasCertificate && !File.Exists(options.CaCertificatePath))
        {
            failures.Add($"Issuance:CaCertificatePath file '{options.CaCertificatePath}' does not exist.");
        }

        if (hasKey && !File.Exists(options.CaKeyPath))
        {
            failures.Add($"Issuance:CaKeyPath file '{options.CaKeyPath}' does not exist.");
        }
        else if (hasKey && FilePermissions.IsExposed(options.CaKeyPath!))
        {
            failures.Add($"Issuance:CaKeyPath '{options.CaKeyPath}' is readable by group or others; chmod 600 it.");
        }

        // Below a few seconds a renewing sandbox could not get a call in before its certificate ends.
        if (options.SandboxCertificateLifetime < MinimumLifetime || options.SandboxCertificateLifetime > TimeSpan.FromDays(30))
        {
            failures.Add("Issuance:SandboxCertificateLifetime must be between 5 seconds and 30 days.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
