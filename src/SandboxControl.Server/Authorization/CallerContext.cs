using Grpc.Core;
using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Authorization;

/// <summary>Handlers read the already-authorized caller here; they never re-derive identity.</summary>
internal static class CallerContext
{
    public static CallerIdentity GetCaller(this ServerCallContext context) => Authorized(context).Caller;

    /// <summary>
    /// The sandbox incarnation a sandbox caller was authenticated for; null for operators. Every store access on a
    /// sandbox caller's behalf passes it, so a re-creation between the check and the read yields nothing of the new tenant.
    /// </summary>
    public static string? GetPinnedIncarnation(this ServerCallContext context)
    {
        var authorized = Authorized(context);
        if (authorized.Caller.Kind != CallerKind.Sandbox)
        {
            return null;
        }

        // Fail closed: a sandbox caller without a pinned incarnation would read whatever incarnation is current.
        return authorized.Incarnation ?? throw NotAuthorized();
    }

    /// <summary>
    /// For long-lived calls: throws Unauthenticated if the caller's certificate was revoked or expired,
    /// or its sandbox deleted or re-created, since the call was authorized.
    /// </summary>
    public static void EnsureCallerStillValid(this ServerCallContext context) => Authorized(context).EnsureStillValid();

    // Set by the interceptor only after every check of the call passed; absent, the handler refuses.
    private static AuthorizedCaller Authorized(ServerCallContext context) =>
        context.GetHttpContext().Features.Get<AuthorizedCaller>() ?? throw NotAuthorized();

    private static RpcException NotAuthorized() => new(new Status(StatusCode.Unauthenticated, "call was not authorized"));
}
