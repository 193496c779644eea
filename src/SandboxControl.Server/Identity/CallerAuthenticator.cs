using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.Identity;

/// <summary>
/// Derives the caller from the connection's verified client certificate. The certificate is parsed once
/// per connection; revocation, expiry and sandbox liveness are checked on every call, from memory,
/// because a connection can outlive all three.
/// </summary>
internal sealed class CallerAuthenticator(
    IOptions<IdentityOptions> options,
    CertificateDenyList denyList,
    ISandboxStore store,
    TimeProvider time)
{
    private static readonly object CacheKey = new();
    private readonly string _trustDomain = options.Value.TrustDomain;

    public AuthenticationResult Authenticate(HttpContext httpContext)
    {
        var certificate = httpContext.Connection.ClientCertificate;
        if (certificate is null)
        {
            // Unreachable behind RequireCertificate; refuse rather than assume.
            return AuthenticationResult.Fail(null, "no client certificate");
        }

        var identity = GetOrParse(httpContext, certificate);
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

        if (caller.Kind == CallerKind.Sandbox)
        {
            // A deleted sandbox's certificate, or one issued for an earlier sandbox of the same id, is dead.
            if (store.GetSandboxCreatedAt(caller.Name) is not { } createdAt)
            {
                return AuthenticationResult.Fail(caller.SerialNumber, "sandbox does not exist");
            }

            if (caller.NotBefore < TruncateToSeconds(createdAt))
            {
                return AuthenticationResult.Fail(caller.SerialNumber, "certificate predates the sandbox");
            }
        }

        return AuthenticationResult.Ok(caller);
    }

    // X.509 validity has whole seconds; a certificate issued in the sandbox's creation second is its own.
    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);

    private CertificateIdentity GetOrParse(HttpContext httpContext, X509Certificate2 certificate)
    {
        var items = httpContext.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null
            && items.TryGetValue(CacheKey, out var cached)
            && cached is CachedIdentity entry
            && ReferenceEquals(entry.Certificate, certificate))
        {
            return entry.Identity;
        }

        var identity = CertificateIdentityReader.Read(certificate, _trustDomain);
        if (items is not null)
        {
            items[CacheKey] = new CachedIdentity(certificate, identity);
        }

        return identity;
    }

    private sealed record CachedIdentity(X509Certificate2 Certificate, CertificateIdentity Identity);
}
