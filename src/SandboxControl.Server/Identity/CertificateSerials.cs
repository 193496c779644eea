namespace SandboxControl.Server.Identity;

/// <summary>Serial numbers as operators type them: hex, optionally with ':' separators, any case.</summary>
internal static class CertificateSerials
{
    /// <summary>Uppercase hex without separators (as X509Certificate2.SerialNumber reports it), or null if not hex.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var compact = value.Trim().Replace(":", "", StringComparison.Ordinal);
        if (compact.Length is 0 or > 64)
        {
            return null;
        }

        foreach (var c in compact)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }
        }

        return compact.ToUpperInvariant();
    }
}
