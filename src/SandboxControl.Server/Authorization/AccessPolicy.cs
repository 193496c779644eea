using Grpc.Core;
using SandboxControl.Server.Identity;
using SandboxControl.V1;

namespace SandboxControl.Server.Authorization;

/// <summary>Applies an RPC's access rule to an authenticated caller. Pure: no I/O, no request bodies.</summary>
internal sealed class AccessPolicy(OperatorRoles roles)
{
    /// <summary>Can this caller use this RPC at all, whatever the target?</summary>
    public AccessDecision DecideMethod(CallerIdentity caller, MethodAccess access)
    {
        if (caller.Kind == CallerKind.Sandbox)
        {
            return access.Sandbox switch
            {
                SandboxAccess.Types.Level.Self => AccessDecision.Allow("sandbox self access"),
                SandboxAccess.Types.Level.Any => AccessDecision.Allow("any authenticated sandbox"),
                _ => AccessDecision.Deny(StatusCode.PermissionDenied, "this RPC is not available to sandboxes"),
            };
        }

        if (!roles.TryGetRole(caller.Name, out var role))
        {
            return AccessDecision.Deny(StatusCode.PermissionDenied, "operator has no configured role");
        }

        return access.Operator switch
        {
            // RPCs open to any sandbox carry no sandbox's data (health, reflection): any configured operator may call them.
            OperatorAccess.Types.Level.Viewer when role is OperatorRole.Viewer or OperatorRole.Admin || access.Sandbox == SandboxAccess.Types.Level.Any =>
                AccessDecision.Allow("operator role " + RoleName(role)),
            OperatorAccess.Types.Level.Viewer => AccessDecision.Deny(StatusCode.PermissionDenied, "this RPC requires the operator role viewer or admin"),
            OperatorAccess.Types.Level.Admin when role == OperatorRole.Admin => AccessDecision.Allow("operator role admin"),
            OperatorAccess.Types.Level.Admin => AccessDecision.Deny(StatusCode.PermissionDenied, "this RPC requires the operator role admin"),
            // Not implied by admin: issuing a sandbox certificate is acting as the sandbox.
            OperatorAccess.Types.Level.Issuer when role == OperatorRole.Issuer => AccessDecision.Allow("operator role issuer"),
            OperatorAccess.Types.Level.Issuer => AccessDecision.Deny(StatusCode.PermissionDenied, "this RPC requires the operator role issuer"),
            _ => AccessDecision.Deny(StatusCode.PermissionDenied, "this RPC is not available to operators"),
        };
    }

    /// <summary>May this caller act on this sandbox_id? Checked for every message of a stream.</summary>
    public static AccessDecision DecideTarget(CallerIdentity caller, string? target)
    {
        if (!IdentityNames.IsValidId(target))
        {
            return AccessDecision.Deny(StatusCode.InvalidArgument, "sandbox_id must match " + IdentityNames.IdPattern);
        }

        // The fix for trusting sandbox_id from the request: it must name the certificate's own sandbox.
        // Same answer whether or not the other sandbox exists, so this is no existence oracle.
        if (caller.Kind == CallerKind.Sandbox && !string.Equals(caller.Name, target, StringComparison.Ordinal))
        {
            return AccessDecision.Deny(StatusCode.PermissionDenied, "a sandbox may only access its own data");
        }

        return AccessDecision.Allow("target permitted");
    }

    private static string RoleName(OperatorRole role) => role switch
    {
        OperatorRole.Admin => "admin",
        OperatorRole.Issuer => "issuer",
        _ => "viewer",
    };
}
