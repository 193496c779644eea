using SandboxControl.Server.Audit;
using SandboxControl.Server.Hosting;
using Serilog;
using Serilog.Events;
using Log = Serilog.Log;

// Serilog is wired only here; tests build hosts through SandboxControlApp without a bootstrap logger.
Log.Logger = new LoggerConfiguration().WriteConsole(ConsoleLogging.EarlyFormat(args)).CreateBootstrapLogger();
try
{
    var builder = SandboxControlApp.CreateBuilder(args);
    builder.Services.AddSerilog((services, configuration) =>
    {
        configuration
            // Per-request framework logs cost ~30 us of CPU per call (measured in bench/); off unless configured.
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            // The host logs a failed bind with its stack trace; the catch below reports it in one line instead.
            .Filter.ByExcluding(e => e.Level == LogEventLevel.Error && e.MessageTemplate.Text == "Hosting failed to start");
        if (!ConsoleLogging.HasConfiguredSinks(builder.Configuration))
        {
            configuration.WriteConsole(builder.Configuration[LogOutputOptions.SectionName + ":Format"]);
        }
    });
    await using var app = SandboxControlApp.Build(builder);
    using var stopping = new CancellationTokenSource();
    await SandboxControlApp.StartAsync(app, stopping.Token);
    await app.WaitForShutdownAsync(stopping.Token);
    // The last event says the server stopped; if the audit cannot take it, say so in one line and exit 3.
    if (await app.Services.GetRequiredService<FileAuditSink>().CloseAsync() is { } auditProblem)
    {
        Log.Fatal("Audit error: {Problem}", auditProblem);
        return 3;
    }

    return 0;
}
#pragma warning disable CA1031 // Start-up's last line of defence: whatever stopped it is reported in one line per problem, never as frames.
catch (Exception ex)
#pragma warning restore CA1031
{
    foreach (var problem in StartupProblems.From(ex))
    {
        Log.Fatal("Startup error: {Problem:l}", problem);
    }

    return 2;
}
finally
{
    await Log.CloseAndFlushAsync();
}
