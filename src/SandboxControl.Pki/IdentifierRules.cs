namespace SandboxControl.Pki;

/// <summary>
/// Syntax of sandbox ids, operator names and trust domains (SPIFFE X.509-SVID rules), shared by the
/// server, the CLI and issuance. Plain loops, not regular expressions: these run on every request,
/// and a regex match timeout under CPU pressure would turn a valid id into an exception.
/// </summary>
public static class IdentifierRules
{
    /// <summary>The id syntax as shown to users.</summary>
    public const string IdPattern = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

    private const int MaxIdLength = 63;
    private const int MaxTrustDomainLength = 255;

    /// <summary>1-63 of a-z, 0-9 and '-', starting and ending with a letter or digit.</summary>
    /// <param name="value">Candidate sandbox id or operator name.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValidId(string? value)
    {
        if (value is not { Length: > 0 and <= MaxIdLength } || value[0] == '-' || value[^1] == '-')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>1-255 of lowercase a-z, 0-9, '.', '_' and '-': no port, no userinfo, no upper case.</summary>
    /// <param name="value">Candidate trust domain.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValidTrustDomain(string? value)
    {
        if (value is not { Length: > 0 and <= MaxTrustDomainLength })
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    internal static void ThrowIfInvalidId(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (!IsValidId(value))
        {
            throw new ArgumentException(
                "Must be 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit.", paramName);
        }
    }

    internal static void ThrowIfInvalidTrustDomain(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (!IsValidTrustDomain(value))
        {
            throw new ArgumentException(
                "A trust domain is 1-255 characters of lowercase a-z, 0-9, '.', '_' and '-'.", paramName);
        }
    }
}
