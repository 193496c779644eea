using Grpc.Core;

namespace SandboxControl.Server.Authorization;

/// <summary>Allow, or the status and reason of a refusal. Reasons are fixed strings: safe to log and return.</summary>
internal readonly record struct AccessDecision(bool Allowed, StatusCode Code, string Reason)
{
    public static AccessDecision Allow(string reason) => new(true, StatusCode.OK, reason);

    public static AccessDecision Deny(StatusCode code, string reason) => new(false, code, reason);
}
