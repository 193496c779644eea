namespace SandboxControl.Server.Identity;

/// <summary>Either a (kind, name) or the reason the certificate names nobody.</summary>
internal sealed record IdentityParseResult(CallerKind Kind, string? Name, string? FailureReason)
{
    public bool Succeeded => Name is not null;

    public static IdentityParseResult Ok(CallerKind kind, string name) => new(kind, name, null);

    public static IdentityParseResult Fail(string reason) => new(CallerKind.Sandbox, null, reason);
}
