namespace SandboxControl.Server.Identity;

/// <summary>Who is calling, as proven by a verified client certificate. Never taken from a request.</summary>
/// <param name="Kind">Sandbox or operator.</param>
/// <param name="Name">The sandbox id or operator name from the certificate's single SPIFFE URI SAN.</param>
/// <param name="SerialNumber">The certificate serial (hex), for audit and the deny list.</param>
/// <param name="NotBefore">When the certificate became valid; a sandbox certificate older than its sandbox is dead.</param>
/// <param name="NotAfter">When the certificate expires; checked per call because connections outlive handshakes.</param>
internal sealed record CallerIdentity(CallerKind Kind, string Name, string SerialNumber, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    // Built once: it is on every call's audit event, metric and per-caller key. Derived from Kind and Name only, so equality is unaffected.
    private readonly string _display = (Kind == CallerKind.Sandbox ? "sandbox/" : "operator/") + Name;

    public override string ToString() => _display;
}
