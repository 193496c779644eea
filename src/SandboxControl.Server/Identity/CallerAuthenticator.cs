using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.Identity;

/// <summary>
/// Derives the caller from the connection's verified client certificate. The certificate is parsed once
/// per connection; revocation, expiry, sandbox liveness and the allow list (the serial is recorded for the
/// sandbox's current incarnation and not revoked) are checked on every call and every stream message,
/// from memory, because a connection can outlive all of them.
/// </summary>
internal sealed class CallerAuthenticator(
    IOptions<IdentityOptions> options,
    CertificateDenyList denyList,
    ISandboxStore store,
    TimeProvider time)
{
    private readonly ConditionalWeakTable<X509Certificate2, CertificateIdentity> _identities = new();
    private readonly string _trustDomain = options.Value.TrustDomain;
    private readonly bool _acceptExternal = options.Value.AcceptExternalCertificates;

    public AuthenticationResult Authenticate(HttpContext httpContext)
    {
        var certificate = httpContext.Connection.ClientCertificate;
        if (certificate is null)
        {
            // Unreachable behind RequireCertificate; refuse rather than assume.
            return AuthenticationResult.Fail(null, "no client certificate");
        }

        var identity = GetOrParse(certificate);
        if (identity.Caller is not { } caller)
        {
            return AuthenticationResult.Fail(identity.SerialNumber, identity.FailureReason!);
        }

        if (denyList.IsDenied(caller.SerialNumber))
        {
            return AuthenticationResult.Fail(caller.SerialNumber, "certificate serial is on the deny list");
        }

        if (time.GetUtcNow() > caller.NotAfter)
        {
            return AuthenticationResult.Fail(caller.SerialNumber, "certificate expired during the connection");
        }

        if (caller.Kind != CallerKind.Sandbox)
        {
            return AuthenticationResult.Ok(caller, null);
        }

        // A deleted sandbox's certificate is dead (and so is every certificate while the directory cannot vouch).
        if (store.GetSandboxEntry(caller.Name) is not { } sandbox)
        {
            return AuthenticationResult.Fail(caller.SerialNumber, "sandbox does not exist");
        }

        if (store.FindCertificate(caller.SerialNumber) is not { } recorded)
        {
            return AuthenticateExternal(caller, sandbox);
        }

        // Stops a certificate of an earlier sandbox of the same id (deleted and re-created, on any replica, at any
        // delay) from reading the new tenant's data: incarnations are compared, never clocks.
        if (!string.Equals(recorded.SandboxId, caller.Name, StringComparison.Ordinal)
            || !string.Equals(recorded.Incarnation, sandbox.Incarnation, StringComparison.Ordinal))
        {
            return AuthenticationResult.Fail(caller.SerialNumber, "certificate belongs to an earlier incarnation of the sandbox");
        }

        if (recorded.Revoked)
        {
            return AuthenticationResult.Fail(caller.SerialNumber, "certificate is revoked");
        }

        return AuthenticationResult.Ok(caller, sandbox.Incarnation);
    }

    // Only with Identity:AcceptExternalCertificates: the certificate was never recorded, so all that ties it to this
    // incarnation is its NotBefore against the creation time (two clocks; see the README).
    private AuthenticationResult AuthenticateExternal(CallerIdentity caller, Storage.SandboxDirectoryEntry sandbox)
    {
        if (!_acceptExternal)
        {
            return AuthenticationResult.Fail(caller.SerialNumber, "certificate is not on the allow list (not issued by this server, or for a deleted incarnation)");
        }

        if (caller.NotBefore < TruncateToSeconds(sandbox.CreatedAt))
        {
            return AuthenticationResult.Fail(caller.SerialNumber, "certificate predates the sandbox");
        }

        return AuthenticationResult.Ok(caller, sandbox.Incarnation);
    }

    /// <summary>
    /// Re-checks a long-lived call (stream) against what was true when it opened: the certificate may
    /// have been revoked or have expired, and the sandbox deleted or even re-created for someone else.
    /// </summary>
    public AuthenticationResult Revalidate(HttpContext httpContext, AuthenticationResult opened)
    {
        var now = Authenticate(httpContext);
        if (now.Caller is null)
        {
            return now;
        }

        return string.Equals(now.Incarnation, opened.Incarnation, StringComparison.Ordinal)
            ? now
            : AuthenticationResult.Fail(now.SerialNumber, "sandbox was re-created while the call was open");
    }

    // X.509 validity has whole seconds; a certificate issued in the sandbox's creation second is its own.
    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);

    /// <summary>
    /// The certificate's identity, parsed once per connection: keyed by the connection's certificate instance, which
    /// Kestrel keeps for the connection's lifetime, and safe for concurrent HTTP/2 streams (the connection items are not).
    /// </summary>
    public CertificateIdentity GetOrParse(X509Certificate2 certificate) =>
        // The lookup first: GetValue with a lambda that captures this would allocate a delegate on every call.
        _identities.TryGetValue(certificate, out var known)
            ? known
            : _identities.GetValue(certificate, parsed => CertificateIdentityReader.Read(parsed, _trustDomain));
}
