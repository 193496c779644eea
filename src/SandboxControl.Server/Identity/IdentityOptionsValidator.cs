using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Identity;

internal sealed class IdentityOptionsValidator : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        List<string> failures = [];
        if (string.IsNullOrEmpty(options.TrustDomain))
        {
            failures.Add("Identity:TrustDomain is required (e.g. sandboxes.example.org).");
        }
        else if (!IdentityNames.IsValidTrustDomain(options.TrustDomain))
        {
            failures.Add("Identity:TrustDomain must be lowercase letters, digits, '.', '-' or '_' (no port, no scheme).");
        }

        if (options.DenyListPath is { Length: > 0 } path && !File.Exists(path))
        {
            failures.Add($"Identity:DenyListPath file '{path}' does not exist.");
        }

        if (options.ExternalReuseDelay < TimeSpan.FromSeconds(1) || options.ExternalReuseDelay > TimeSpan.FromHours(1))
        {
            failures.Add("Identity:ExternalReuseDelay must be between 1 second and 1 hour.");
        }

        if (options.DenyListPollInterval <= TimeSpan.Zero)
        {
            failures.Add("Identity:DenyListPollInterval must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
