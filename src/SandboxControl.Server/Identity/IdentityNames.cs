using SandboxControl.Pki;

namespace SandboxControl.Server.Identity;

/// <summary>Syntax of sandbox ids, operator names and trust domains: one definition, in the Pki library.</summary>
internal static class IdentityNames
{
    /// <summary>The id syntax as shown to users.</summary>
    public const string IdPattern = IdentifierRules.IdPattern;

    public static bool IsValidId(string? value) => IdentifierRules.IsValidId(value);

    public static bool IsValidTrustDomain(string? value) => IdentifierRules.IsValidTrustDomain(value);
}
