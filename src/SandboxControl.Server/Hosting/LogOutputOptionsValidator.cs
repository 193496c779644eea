using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Hosting;

internal sealed class LogOutputOptionsValidator : IValidateOptions<LogOutputOptions>
{
    public ValidateOptionsResult Validate(string? name, LogOutputOptions options) =>
        options.Format is LogOutputOptions.Text or LogOutputOptions.Json
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Logging:Format '{options.Format}' is not one of: text, json.");
}
