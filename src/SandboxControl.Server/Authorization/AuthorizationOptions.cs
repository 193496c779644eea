namespace SandboxControl.Server.Authorization;

/// <summary>Operator roles. Section "Authorization".</summary>
internal sealed class AuthorizationOptions
{
    public const string SectionName = "Authorization";

    /// <summary>
    /// Operator name (from the certificate's spiffe://td/operator/&lt;name&gt;) to role (Viewer or Admin).
    /// An operator not listed here is refused every RPC.
    /// </summary>
    public Dictionary<string, OperatorRole> Operators { get; } = new(StringComparer.Ordinal);
}
