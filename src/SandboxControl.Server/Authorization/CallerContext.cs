using Grpc.Core;
using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Authorization;

/// <summary>Handlers read the already-authorized caller here; they never re-derive identity.</summary>
internal static class CallerContext
{
    internal static readonly object Key = new();
    internal static readonly object RevalidateKey = new();
    internal static readonly object IncarnationKey = new();

    public static CallerIdentity GetCaller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var caller) && caller is CallerIdentity identity
            ? identity
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "call was not authorized"));

    /// <summary>
    /// The sandbox incarnation a sandbox caller was authenticated for; null for operators. Every store access on a
    /// sandbox caller's behalf passes it, so a re-creation between the check and the read yields nothing of the new tenant.
    /// </summary>
    public static string? GetPinnedIncarnation(this ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (caller.Kind != CallerKind.Sandbox)
        {
            return null;
        }

        // Fail closed: a sandbox caller without a pinned incarnation would read whatever incarnation is current.
        return context.UserState.TryGetValue(IncarnationKey, out var value) && value is string incarnation
            ? incarnation
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "call was not authorized"));
    }

    /// <summary>
    /// For long-lived calls: throws Unauthenticated if the caller's certificate was revoked or expired,
    /// or its sandbox deleted or re-created, since the call was authorized.
    /// </summary>
    public static void EnsureCallerStillValid(this ServerCallContext context)
    {
        if (!context.UserState.TryGetValue(RevalidateKey, out var revalidate) || revalidate is not Action check)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "call was not authorized"));
        }

        check();
    }
}
