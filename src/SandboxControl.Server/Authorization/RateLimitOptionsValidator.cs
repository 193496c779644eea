using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Authorization;

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        List<string> failures = [];
        if (options.PermitsPerSecond < 1)
        {
            failures.Add("RateLimit:PermitsPerSecond must be at least 1.");
        }

        if (options.Burst < 1)
        {
            failures.Add("RateLimit:Burst must be at least 1.");
        }

        if (options.LogLinesPerSecond < 1)
        {
            failures.Add("RateLimit:LogLinesPerSecond must be at least 1.");
        }

        if (options.LogLinesBurst < 1)
        {
            failures.Add("RateLimit:LogLinesBurst must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
