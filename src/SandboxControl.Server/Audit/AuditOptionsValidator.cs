using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Audit;

internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options) =>
        string.IsNullOrWhiteSpace(options.Path)
            ? ValidateOptionsResult.Fail("Audit:Path is required: audit events are written to a file so that an unwritable audit refuses requests.")
            : ValidateOptionsResult.Success;
}
