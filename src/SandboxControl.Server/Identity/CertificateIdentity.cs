namespace SandboxControl.Server.Identity;

/// <summary>What a certificate says, parsed once per connection: a caller, or why it names nobody.</summary>
internal sealed record CertificateIdentity(string SerialNumber, CallerIdentity? Caller, string? FailureReason)
{
    public static CertificateIdentity Fail(string serialNumber, string reason) => new(serialNumber, null, reason);
}
