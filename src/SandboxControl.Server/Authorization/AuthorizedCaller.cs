using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// What the interceptor hands to handlers once a call is fully authorized (body-dependent checks included), kept on
/// the HttpContext's features: one object per call instead of entries and a closure in the call's UserState.
/// </summary>
internal abstract class AuthorizedCaller
{
    public abstract CallerIdentity Caller { get; }

    /// <summary>The sandbox incarnation the caller was authenticated for; null for operators.</summary>
    public abstract string? Incarnation { get; }

    /// <summary>Throws Unauthenticated if the caller is no longer accepted (revoked, expired, sandbox deleted or re-created).</summary>
    public abstract void EnsureStillValid();
}
