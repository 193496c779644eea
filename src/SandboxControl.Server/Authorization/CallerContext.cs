using Grpc.Core;
using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Authorization;

/// <summary>Handlers read the already-authorized caller here; they never re-derive identity.</summary>
internal static class CallerContext
{
    internal static readonly object Key = new();

    public static CallerIdentity GetCaller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var caller) && caller is CallerIdentity identity
            ? identity
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "call was not authorized"));
}
