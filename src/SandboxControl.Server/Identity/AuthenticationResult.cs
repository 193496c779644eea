namespace SandboxControl.Server.Identity;

/// <summary>
/// The outcome of authenticating one call: a caller, or the reason (for audit) it has none. For a
/// sandbox caller, <see cref="SandboxCreatedAt"/> pins which incarnation of the sandbox it is.
/// </summary>
internal sealed record AuthenticationResult(CallerIdentity? Caller, string? SerialNumber, string? FailureReason, DateTimeOffset? SandboxCreatedAt = null)
{
    public static AuthenticationResult Ok(CallerIdentity caller, DateTimeOffset? sandboxCreatedAt) => new(caller, caller.SerialNumber, null, sandboxCreatedAt);

    public static AuthenticationResult Fail(string? serialNumber, string reason) => new(null, serialNumber, reason);
}
