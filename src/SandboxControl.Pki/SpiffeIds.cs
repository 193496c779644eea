namespace SandboxControl.Pki;

/// <summary>Formats the SPIFFE IDs carried as the single URI SAN of client certificates.</summary>
/// <remarks>
/// These methods only format; they do not validate, so tests can build malformed IDs with them.
/// <see cref="CertificateAuthority.IssueSandboxCertificate(string, string, TimeSpan?)"/> and
/// <see cref="CertificateAuthority.IssueOperatorCertificate"/> validate before issuing.
/// </remarks>
public static class SpiffeIds
{
    /// <summary>Returns <c>spiffe://{trustDomain}/sandbox/{sandboxId}</c>.</summary>
    /// <param name="trustDomain">The SPIFFE trust domain, for example <c>sandboxcontrol.local</c>.</param>
    /// <param name="sandboxId">The sandbox id.</param>
    public static string ForSandbox(string trustDomain, string sandboxId)
    {
        ArgumentNullException.ThrowIfNull(trustDomain);
        ArgumentNullException.ThrowIfNull(sandboxId);
        return "spiffe://" + trustDomain + "/sandbox/" + sandboxId;
    }

    /// <summary>Returns <c>spiffe://{trustDomain}/operator/{operatorName}</c>.</summary>
    /// <param name="trustDomain">The SPIFFE trust domain, for example <c>sandboxcontrol.local</c>.</param>
    /// <param name="operatorName">The operator name.</param>
    public static string ForOperator(string trustDomain, string operatorName)
    {
        ArgumentNullException.ThrowIfNull(trustDomain);
        ArgumentNullException.ThrowIfNull(operatorName);
        return "spiffe://" + trustDomain + "/operator/" + operatorName;
    }
}
