using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Audit.Index;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Issuance;
using SandboxControl.Server.Limits;
using SandboxControl.Server.Metrics;
using SandboxControl.Server.RequestParsing;
using SandboxControl.Server.Policies;
using SandboxControl.Server.Services;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Postgres;
using SandboxControl.Server.Tls;
using SandboxControl.V1;

namespace SandboxControl.Server.Hosting;

/// <summary>
/// Everything the server needs, registered in one place. Program.cs and the test hosts both call this,
/// so several hosts can run in one process (Serilog's bootstrap logger lives only in Program.cs).
/// </summary>
internal static class SandboxControlServiceCollectionExtensions
{
    public static IServiceCollection AddSandboxControl(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        AddValidatedOptions<ServerOptions, ServerOptionsValidator>(services, ServerOptions.SectionName);
        AddValidatedOptions<TlsOptions, TlsOptionsValidator>(services, TlsOptions.SectionName);
        AddValidatedOptions<IdentityOptions, IdentityOptionsValidator>(services, IdentityOptions.SectionName);
        AddValidatedOptions<AuthorizationOptions, AuthorizationOptionsValidator>(services, AuthorizationOptions.SectionName);
        AddValidatedOptions<LimitsOptions, LimitsOptionsValidator>(services, LimitsOptions.SectionName);
        AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(services, RateLimitOptions.SectionName);
        AddValidatedOptions<IssuanceOptions, IssuanceOptionsValidator>(services, IssuanceOptions.SectionName);
        AddValidatedOptions<AuditOptions, AuditOptionsValidator>(services, AuditOptions.SectionName);
        AddValidatedOptions<PolicyOptions, PolicyOptionsValidator>(services, PolicyOptions.SectionName);
        AddValidatedOptions<LogOutputOptions, LogOutputOptionsValidator>(services, LogOutputOptions.SectionName);

        // Storage registers the secrets protector it encrypts credentials with.
        services.AddSandboxStorage();
        DecorateStoreWithTiming(services);

        services.AddSingleton<TlsMaterialProvider>();
        services.AddHostedService<TlsReloadWatcher>();
        services.AddSingleton<ClientCertificateValidator>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelMtlsConfigurator>();
        services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((host, server) => host.ShutdownTimeout = server.Value.ShutdownTimeout);

        services.AddSingleton<CertificateDenyList>();
        services.AddHostedService<DenyListWatcher>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton(_ => AccessRuleTable.Build([.. SandboxControlReflection.Descriptor.Services, .. BuiltInAccessRules.Services]));
        services.AddSingleton(provider => new OperatorRoles(
            provider.GetRequiredService<IOptions<AuthorizationOptions>>(),
            provider.GetRequiredService<IConfiguration>(),
            provider.GetRequiredService<IValidateOptions<AuthorizationOptions>>(),
            provider.GetRequiredService<ILogger<OperatorRoles>>()));
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<CallerRateLimiter>();
        services.AddSingleton<DecisionRecorder>();
        services.AddSingleton<CallLimiter>();
        services.AddSingleton<ConnectionLimiter>();
        services.AddSingleton<AuthorizationInterceptor>();
        // Registered, so grpc-dotnet resolves one instance instead of activating one (and its dependencies) per call:
        // both are stateless, everything they use is a singleton.
        services.AddSingleton<StorageFailureInterceptor>();
        services.AddSingleton<SandboxControlService>();
        services.AddSingleton<FileAuditSink>();
        services.AddSingleton<IAuditSink>(provider => provider.GetRequiredService<FileAuditSink>());
        services.AddSingleton<AuditFileReader>();
        services.AddSingleton<AuditIndexing>();
        services.AddSingleton<ReplicaNameLock>();
        services.AddHostedService<AuditIndexShipper>();
        services.AddHostedService<AuditIndexPruner>();
        // After the store initializer (hosted services start in order): its first run is at start.
        services.AddHostedService<CertificatePruner>();

        services.AddSingleton<ControlPlaneMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            // Not "Microsoft.AspNetCore.Hosting": its per-request instruments cost every call CPU (bench/README.md) and
            // duplicate sandboxcontrol.authorization.decisions; Kestrel's are per connection and handshake.
            .AddMeter(ControlPlaneMetrics.MeterName, "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        services.AddSingleton<LogFeed>();
        services.AddSingleton<FollowStreamLimiter>();
        services.AddSingleton<PolicyValidator>();
        services.AddHostedService<PolicySchemaWatcher>();
        services.AddSingleton<SandboxCertificateIssuer>();
        services.AddGrpc(options =>
        {
            options.Interceptors.Add<AuthorizationInterceptor>();
            // Inside authorization: only calls that were allowed reach storage.
            options.Interceptors.Add<StorageFailureInterceptor>();
            options.EnableDetailedErrors = false;
            // No catch-all endpoint for unknown services: only services with access rules are routed.
            options.IgnoreUnknownServices = true;
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
        services.AddOptions<GrpcServiceOptions>()
            .Configure<IOptions<LimitsOptions>>((grpc, limits) => grpc.MaxReceiveMessageSize = limits.Value.MaxReceiveMessageBytes);
        GuardRequestParsing(services);
        return services;
    }

    // grpc-dotnet parses request bodies before any interceptor: its method discovery is replaced by one
    // whose request marshallers turn a body that does not parse into InvalidArgument (not Unknown).
    private static void GuardRequestParsing(IServiceCollection services)
    {
        var discovery = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>)).ToList();
        var binder = discovery.Where(d => d.ImplementationType?.Name.StartsWith("BinderServiceMethodProvider", StringComparison.Ordinal) == true).ToList();
        if (binder.Count != 1)
        {
            throw new InvalidOperationException("grpc-dotnet's default method discovery not found: found " + string.Join(", ", discovery.Select(d => d.ImplementationType?.Name)));
        }

        services.Remove(binder[0]);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(GuardedServiceMethodProvider<>));
    }

    private static void DecorateStoreWithTiming(IServiceCollection services)
    {
        var engine = services.Last(descriptor => descriptor.ServiceType == typeof(ISandboxStore));
        services.Remove(engine);
        services.AddSingleton<ISandboxStore>(provider => new TimedSandboxStore(
            (ISandboxStore)engine.ImplementationFactory!(provider), provider.GetRequiredService<ControlPlaneMetrics>()));
    }

    private static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
