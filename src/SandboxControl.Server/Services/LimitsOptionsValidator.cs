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
        Positive(failures, nameof(options.MaxStreamsPerCaller), options.MaxStreamsPerCaller);
        Positive(failures, nameof(options.MaxPushStreamsPerCaller), options.MaxPushStreamsPerCaller);
        Positive(failures, nameof(options.MaxUnaryCallsPerCaller), options.MaxUnaryCallsPerCaller);
        Positive(failures, nameof(options.MaxStreams), options.MaxStreams);
        Positive(failures, nameof(options.LogReadPageLines), options.LogReadPageLines);
        if (options.OperatorStreamReserve < 0 || options.OperatorStreamReserve >= options.MaxStreams)
        {
            failures.Add("Limits:OperatorStreamReserve must be at least 0 and less than Limits:MaxStreams.");
        }

        if (options.StreamWriteTimeout <= TimeSpan.Zero)
        {
            failures.Add("Limits:StreamWriteTimeout must be positive.");
        }

        if (options.StreamRecheckInterval <= TimeSpan.Zero)
        {
            failures.Add("Limits:StreamRecheckInterval must be positive.");
        }

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
