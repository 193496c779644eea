using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Services;

internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        List<string> failures = [];
        Positive(failures, nameof(options.MaxReceiveMessageBytes), options.MaxReceiveMessageBytes);
        Positive(failures, nameof(options.MaxPolicyBytes), options.MaxPolicyBytes);
        Positive(failures, nameof(options.MaxLogLinesPerMessage), options.MaxLogLinesPerMessage);
        Positive(failures, nameof(options.MaxLogMessageChars), options.MaxLogMessageChars);
        Positive(failures, nameof(options.MaxEnvironmentVariables), options.MaxEnvironmentVariables);
        Positive(failures, nameof(options.MaxEnvironmentValueChars), options.MaxEnvironmentValueChars);
        Positive(failures, nameof(options.MaxFollowStreamsPerCaller), options.MaxFollowStreamsPerCaller);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, int value)
    {
        if (value <= 0)
        {
            failures.Add($"Limits:{key} must be positive.");
        }
    }
}
