using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// The one authentication and method-rule decision for a call, made by <see cref="CallGateMiddleware"/>
/// before any byte of the body is parsed and consumed by the interceptor (which adds the body-dependent
/// sandbox_id check). Kept on the HttpContext's features for the call's lifetime.
/// </summary>
internal sealed class GatedCall(MethodAccess access, CallerIdentity caller, AccessDecision granted, AuthenticationResult authentication)
{
    public MethodAccess Access { get; } = access;

    public CallerIdentity Caller { get; } = caller;

    public AccessDecision Granted { get; } = granted;

    public AuthenticationResult Authentication { get; } = authentication;

    /// <summary>Set when a request message of this call did not parse (bad protobuf or invalid UTF-8).</summary>
    public bool BodyInvalid { get; private set; }

    public void MarkBodyInvalid() => BodyInvalid = true;
}
