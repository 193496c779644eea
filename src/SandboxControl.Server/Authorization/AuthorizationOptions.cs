namespace SandboxControl.Server.Authorization;

/// <summary>Operator roles. Section "Authorization".</summary>
internal sealed class AuthorizationOptions
{
    public const string SectionName = "Authorization";

    /// <summary>
    /// Operator name (from the certificate's spiffe://td/operator/&lt;name&gt;) to role (Viewer, Admin or Issuer).
    /// An operator not listed here is refused every RPC. Kept as text so a misspelt role is reported,
    /// not silently dropped by the configuration binder.
    /// </summary>
    public Dictionary<string, string> Operators { get; } = new(StringComparer.Ordinal);

    /// <summary>Parses a role name as configured ("Viewer"/"Admin"/"Issuer", any case); false for anything else.</summary>
    public static bool TryParseRole(string? value, out OperatorRole role) =>
        Enum.TryParse(value, ignoreCase: true, out role) && Enum.IsDefined(role) && !int.TryParse(value, out _);
}
