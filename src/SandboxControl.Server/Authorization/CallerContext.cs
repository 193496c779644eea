using Grpc.Core;
using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Authorization;

/// <summary>Handlers read the already-authorized caller here; they never re-derive identity.</summary>
internal static class CallerContext
{
    internal static readonly object Key = new();
    internal static readonly object RevalidateKey = new();

    public static CallerIdentity GetCaller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var caller) && caller is CallerIdentity identity
            ? identity
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "call was not authorized"));

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
