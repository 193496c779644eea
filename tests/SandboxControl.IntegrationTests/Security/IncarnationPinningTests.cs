extern alias server;

using System.Reflection;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;
using ISandboxStore = server::SandboxControl.Server.Storage.ISandboxStore;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>
/// The sandbox is deleted and re-created for a new tenant after the interceptor accepted the old tenant's
/// certificate but before the handler reads the store (a hook in the store runs the re-creation there): the
/// handler's read is pinned to the authenticated incarnation and returns nothing of the new tenant.
/// </summary>
public sealed class IncarnationPinningTests : IAsyncLifetime, IDisposable
{
    private const string NewTenantSecret = "NEW-TENANT-SECRET";
    private const string NewTenantPolicy = "NEW-TENANT-POLICY";

    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("pinning");
    private readonly StoreHook _hook = new();
    private TestServer? _server;

    private TestServer Server => _server!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path, configureServices: _hook.Install);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    [Theory]
    [InlineData("GetProviderEnvironmentAsync")]
    [InlineData("GetCurrentPolicyAsync")]
    [InlineData("GetPolicyStatusAsync")]
    public async Task RecreatedBetweenCheckAndRead_NothingOfNewTenant(string storeMethod)
    {
        var id = "pinned-" + Guid.NewGuid().ToString("N")[..8];
        var oldTenant = await Server.CreateSandboxAsync(id, "old-policy");
        var store = Server.Services.GetRequiredService<ISandboxStore>();
        _hook.Arm(storeMethod, async () =>
        {
            await store.DeleteSandboxAsync(id, CancellationToken.None);
            await store.CreateSandboxAsync(id, NewTenantPolicy, "test", CancellationToken.None);
            await store.SetProviderEnvironmentAsync(id, new Dictionary<string, string> { ["TOKEN"] = NewTenantSecret }, CancellationToken.None);
        });

        var ex = await Assert.ThrowsAsync<RpcException>(() => storeMethod switch
        {
            "GetProviderEnvironmentAsync" => Text(oldTenant.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = id })),
            "GetCurrentPolicyAsync" => Text(oldTenant.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })),
            _ => Text(oldTenant.GetSandboxPolicyStatusAsync(new GetSandboxPolicyStatusRequest { SandboxId = id })),
        });

        Assert.True(_hook.Fired, "the hook did not run between the check and the read");
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.DoesNotContain(NewTenantSecret, ex.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(NewTenantPolicy, ex.Status.Detail, StringComparison.Ordinal);
        // The new tenant's data is there (the hook did re-create it), just not for the old certificate.
        var env = await Server.Admin.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id });
        Assert.Equal(NewTenantPolicy, env.Document);
    }

    private static async Task<string> Text<T>(AsyncUnaryCall<T> call) => (await call.ResponseAsync)!.ToString()!;

    /// <summary>Wraps the registered store: the armed method runs an action first (once), then the real call.</summary>
    private sealed class StoreHook
    {
        private string? _method;
        private Func<Task>? _action;

        public bool Fired { get; private set; }

        public void Arm(string method, Func<Task> action)
        {
            _method = method;
            _action = action;
            Fired = false;
        }

        public void Install(IServiceCollection services)
        {
            var registered = services.Last(d => d.ServiceType == typeof(ISandboxStore));
            services.Remove(registered);
            services.AddSingleton(provider =>
            {
                var inner = (ISandboxStore)registered.ImplementationFactory!(provider);
                var proxy = DispatchProxy.Create<ISandboxStore, HookProxy>();
                ((HookProxy)(object)proxy).Initialize(inner, this);
                return proxy;
            });
        }

        // Only calls pinned to an incarnation (a sandbox caller's) fire the hook.
        internal Func<Task>? Take(MethodInfo method, object?[]? args)
        {
            if (_action is null || method.Name != _method || args is not { Length: > 1 } || args[1] is not string)
            {
                return null;
            }

            var action = _action;
            _action = null;
            Fired = true;
            return action;
        }
    }

    public class HookProxy : DispatchProxy
    {
        private object? _inner;
        private StoreHook? _hook;

        internal void Initialize(object inner, object hook)
        {
            _inner = inner;
            _hook = (StoreHook)hook;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (_hook!.Take(targetMethod!, args) is { } action)
            {
                action().GetAwaiter().GetResult();
            }

            try
            {
                return targetMethod!.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
