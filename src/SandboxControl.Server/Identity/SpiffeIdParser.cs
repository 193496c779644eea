namespace SandboxControl.Server.Identity;

/// <summary>
/// Parses a SPIFFE ID as the X.509-SVID rules and our path scheme demand. Strict by design: anything
/// that two parsers could read differently (case, percent-encoding, dot segments) is refused.
/// </summary>
internal static class SpiffeIdParser
{
    private const string Prefix = "spiffe://";
    private const int MaxLength = 2048;

    public static IdentityParseResult Parse(string uri, string trustDomain)
    {
        if (uri.Length > MaxLength)
        {
            return IdentityParseResult.Fail("URI SAN too long");
        }

        // Scheme comparison is ordinal: "SPIFFE://" is not accepted, so no two readings of one name exist.
        if (!uri.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return IdentityParseResult.Fail("URI SAN is not a spiffe:// ID");
        }

        var rest = uri.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            return IdentityParseResult.Fail("SPIFFE ID has no path");
        }

        var domain = rest[..slash].ToString();
        if (!IdentityNames.IsValidTrustDomain(domain))
        {
            return IdentityParseResult.Fail("malformed trust domain");
        }

        // Exact match: a case variant or trailing dot names a different trust domain.
        if (!string.Equals(domain, trustDomain, StringComparison.Ordinal))
        {
            return IdentityParseResult.Fail("wrong trust domain");
        }

        var path = rest[(slash + 1)..].ToString();
        var segments = path.Split('/');
        if (segments.Length != 2)
        {
            return IdentityParseResult.Fail("SPIFFE path must be /sandbox/<id> or /operator/<name>");
        }

        CallerKind kind;
        switch (segments[0])
        {
            case "sandbox":
                kind = CallerKind.Sandbox;
                break;
            case "operator":
                kind = CallerKind.Operator;
                break;
            default:
                return IdentityParseResult.Fail("SPIFFE path must be /sandbox/<id> or /operator/<name>");
        }

        // The id syntax excludes '%', '.', '?', '#', upper case and empty ids, which covers the
        // percent-encoding, dot-segment, query and fragment rules in one check.
        if (!IdentityNames.IsValidId(segments[1]))
        {
            return IdentityParseResult.Fail("malformed id in SPIFFE path");
        }

        return IdentityParseResult.Ok(kind, segments[1]);
    }
}
