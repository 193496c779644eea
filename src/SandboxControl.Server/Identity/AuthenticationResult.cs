namespace SandboxControl.Server.Identity;

/// <summary>The outcome of authenticating one call: a caller, or the reason (for audit) it has none.</summary>
internal sealed record AuthenticationResult(CallerIdentity? Caller, string? SerialNumber, string? FailureReason)
{
    public static AuthenticationResult Ok(CallerIdentity caller) => new(caller, caller.SerialNumber, null);

    public static AuthenticationResult Fail(string? serialNumber, string reason) => new(null, serialNumber, reason);
}
