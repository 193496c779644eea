using System.Diagnostics.CodeAnalysis;
using Grpc.Core;

namespace SandboxControl.Server.Services;

/// <summary>The design's status table as throw helpers, so handlers stay one line per outcome.</summary>
internal static class RpcErrors
{
    [DoesNotReturn]
    public static void InvalidArgument(string message) => throw new RpcException(new Status(StatusCode.InvalidArgument, message));

    [DoesNotReturn]
    public static void NotFound(string sandboxId) => throw new RpcException(new Status(StatusCode.NotFound, $"sandbox '{sandboxId}' not found"));

    [DoesNotReturn]
    public static void NotFoundWhat(string message) => throw new RpcException(new Status(StatusCode.NotFound, message));

    [DoesNotReturn]
    public static void AlreadyExists(string sandboxId) => throw new RpcException(new Status(StatusCode.AlreadyExists, $"sandbox '{sandboxId}' already exists"));

    [DoesNotReturn]
    public static void Aborted(string message) => throw new RpcException(new Status(StatusCode.Aborted, message));

    [DoesNotReturn]
    public static void FailedPrecondition(string message) => throw new RpcException(new Status(StatusCode.FailedPrecondition, message));
}
