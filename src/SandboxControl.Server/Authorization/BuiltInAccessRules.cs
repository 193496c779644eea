using SandboxControl.V1;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// Rules for services whose .proto is not ours (so it cannot carry our option): standard gRPC health
/// checking and server reflection. Any authenticated sandbox or configured operator may call them;
/// they are still behind mTLS and the interceptor like every other RPC.
/// </summary>
internal static class BuiltInAccessRules
{
    private static readonly AccessRule AnyIdentity = new()
    {
        Sandbox = SandboxAccess.Types.Level.Any,
        Operator = OperatorAccess.Types.Level.Viewer,
    };

    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
    [
        .. Grpc.Health.V1.HealthReflection.Descriptor.Services,
        .. Grpc.Reflection.V1Alpha.ReflectionReflection.Descriptor.Services,
        .. Grpc.Reflection.V1.ReflectionReflection.Descriptor.Services,
    ];

    public static AccessRule? Find(ServiceDescriptor service) =>
        Services.Any(known => known.FullName == service.FullName) ? AnyIdentity : null;
}
