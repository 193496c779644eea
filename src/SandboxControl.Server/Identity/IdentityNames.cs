using System.Text.RegularExpressions;

namespace SandboxControl.Server.Identity;

/// <summary>Syntax of sandbox ids, operator names and trust domains.</summary>
internal static partial class IdentityNames
{
    /// <summary>The id syntax as shown to users.</summary>
    public const string IdPattern = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

    public static bool IsValidId(string? value) => value is { Length: > 0 and <= 63 } && IdRegex().IsMatch(value);

    /// <summary>Lowercase letters, digits, '.', '-' and '_' only: no port, no userinfo, no upper case.</summary>
    public static bool IsValidTrustDomain(string? value) =>
        value is { Length: > 0 and <= 255 } && TrustDomainRegex().IsMatch(value);

    // \A and \z, not ^ and $: in .NET "$" also matches before a trailing newline, so "a\n" would pass.
    [GeneratedRegex(@"\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex IdRegex();

    [GeneratedRegex(@"\A[a-z0-9._-]+\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex TrustDomainRegex();
}
