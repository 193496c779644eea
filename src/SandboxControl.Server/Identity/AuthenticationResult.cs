namespace SandboxControl.Server.Identity;

/// <summary>
/// The outcome of authenticating one call: a caller, or the reason (for audit) it has none. For a
/// sandbox caller, <see cref="Incarnation"/> pins which incarnation of the sandbox it was accepted for:
/// every store access on its behalf is conditioned on it.
/// </summary>
internal sealed record AuthenticationResult(CallerIdentity? Caller, string? SerialNumber, string? FailureReason, string? Incarnation = null)
{
    public static AuthenticationResult Ok(CallerIdentity caller, string? incarnation) => new(caller, caller.SerialNumber, null, incarnation);

    public static AuthenticationResult Fail(string? serialNumber, string reason) => new(null, serialNumber, reason);
}
