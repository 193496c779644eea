using Microsoft.Extensions.Options;
using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Authorization;

internal sealed class AuthorizationOptionsValidator : IValidateOptions<AuthorizationOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthorizationOptions options)
    {
        List<string> failures = [];
        foreach (var (operatorName, role) in options.Operators)
        {
            if (!IdentityNames.IsValidId(operatorName))
            {
                failures.Add($"Authorization:Operators: '{operatorName}' is not a valid operator name ({IdentityNames.IdPattern}).");
            }

            if (!AuthorizationOptions.TryParseRole(role, out _))
            {
                failures.Add($"Authorization:Operators:{operatorName} must be Viewer, Admin or Issuer.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
