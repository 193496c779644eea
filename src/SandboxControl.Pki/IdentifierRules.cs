using System.Text.RegularExpressions;

namespace SandboxControl.Pki;

/// <summary>Syntax of sandbox ids, operator names and trust domains (SPIFFE X.509-SVID rules).</summary>
internal static partial class IdentifierRules
{
    private const int MaxTrustDomainLength = 255;

    // \A and \z, not ^ and $: '$' also matches before a trailing newline, which would let "a\n" through.
    [GeneratedRegex(@"\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\A[a-z0-9._-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex TrustDomainPattern();

    internal static void ThrowIfInvalidId(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (!IdPattern().IsMatch(value))
        {
            throw new ArgumentException(
                "Must be 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit.", paramName);
        }
    }

    internal static void ThrowIfInvalidTrustDomain(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (value.Length > MaxTrustDomainLength || !TrustDomainPattern().IsMatch(value))
        {
            throw new ArgumentException(
                "A trust domain is 1-255 characters of lowercase a-z, 0-9, '.', '_' and '-'.", paramName);
        }
    }
}
