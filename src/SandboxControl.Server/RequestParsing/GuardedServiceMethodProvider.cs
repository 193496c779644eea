using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace SandboxControl.Server.RequestParsing;

/// <summary>
/// Replaces grpc-dotnet's default method discovery for every mapped service (ours, health, reflection):
/// binds the same methods through the generated BindService, with each request marshaller guarded by
/// <see cref="GuardedMarshaller"/>.
/// </summary>
internal sealed class GuardedServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bind = FindBindMethod(typeof(TService))
            ?? throw new InvalidOperationException($"{typeof(TService).Name} has no BindService method to discover its gRPC methods from.");
        bind.Invoke(null, [new GuardingServiceBinder<TService>(context), null]);
    }

    // Generated services carry [BindServiceMethod] on their base class; its method takes that class.
    private static MethodInfo? FindBindMethod(Type serviceType)
    {
        for (var type = serviceType; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType.GetMethod(
                    attribute.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type]);
            }
        }

        return null;
    }
}
