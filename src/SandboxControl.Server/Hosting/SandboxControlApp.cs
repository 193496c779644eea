using Microsoft.Extensions.Options;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.DevMode;
using SandboxControl.Server.Metrics;
using SandboxControl.Server.Services;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Postgres;

namespace SandboxControl.Server.Hosting;

/// <summary>Builds and starts the server the same way for Program.cs and for tests.</summary>
internal static class SandboxControlApp
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // An explicit JSON file, watched: operator roles in it apply without a restart.
        if (builder.Configuration["ConfigFile"] is { Length: > 0 } configFile)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: true);
        }

        DevModeSetup.ApplyIfRequested(builder);
        builder.Services.AddSandboxControl();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        StageTiming.ReportAtExit();
        // Identity, method rule, rate and stream caps are decided here, before grpc-dotnet parses a body.
        app.UseMiddleware<CallGateMiddleware>();
        app.MapGrpcService<SandboxControlService>();
        // Both behind mTLS and the interceptor like every RPC (rules in BuiltInAccessRules).
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        // Plain HTTP, so guarded by its own middleware with the same certificate identity (operators only).
        app.UseWhen(context => context.Request.Path.StartsWithSegments(MetricsPath), branch => branch.UseMiddleware<MetricsAccessMiddleware>());
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        // Fail closed: a mapped RPC without an access rule stops the server before the port opens.
        EndpointRuleCoverage.Verify(((IEndpointRouteBuilder)app).DataSources, app.Services.GetRequiredService<AccessRuleTable>(), [MetricsPath]);
        return app;
    }

    /// <summary>Prepares the store (and dev-mode data), then opens the port.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        // Every option validated first, all problems at once, before anything touches a file or a port.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        // Open the audit sink now: an unwritable audit file stops the server before the port opens.
        OpenAuditSink(app.Services);
        await InitializeStoreAsync(app.Services, cancellationToken).ConfigureAwait(false);
        // Before the audit shipper starts: two servers shipping under one name would mix their events and marks.
        await app.Services.GetRequiredService<ReplicaNameLock>().AcquireAsync(cancellationToken).ConfigureAwait(false);
        await DevModeSetup.SeedIfActiveAsync(app, cancellationToken).ConfigureAwait(false);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        ResolvedSettings.Log(app);
        DevModeHints.LogIfActive(app);
    }

    private static void OpenAuditSink(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IAuditSink>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var path = services.GetRequiredService<IOptions<AuditOptions>>().Value.Path;
            var reason = Directory.Exists(path) ? "it is a directory" : ex.Message;
            throw new StartupProblemException($"Audit:Path '{path}' cannot be opened for appending: {reason}", ex);
        }
    }

    private static async Task InitializeStoreAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        try
        {
            await services.GetRequiredService<ISandboxStore>().InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            // Driver messages name the file or host, never the password of a connection string.
            var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            var where = storage.IsPostgres ? "Storage:PostgresConnectionString" : $"Storage:SqlitePath '{storage.SqlitePath}'";
            throw new StartupProblemException($"{where}: the store cannot be opened: {ex.Message}", ex);
        }
    }
}
