using Microsoft.Extensions.Options;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Hosting;
using System.Globalization;
using Serilog;
using Serilog.Events;
using Log = Serilog.Log;

// Serilog is wired only here; tests build hosts through SandboxControlApp without a bootstrap logger.
Log.Logger = new LoggerConfiguration().WriteTo.Console(formatProvider: CultureInfo.InvariantCulture).CreateBootstrapLogger();
try
{
    var builder = SandboxControlApp.CreateBuilder(args);
    builder.Services.AddSerilog((services, configuration) => configuration
        // Per-request framework logs cost ~30 us of CPU per call (measured in bench/); off unless configured.
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
        .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
        .ReadFrom.Configuration(builder.Configuration)
        .ReadFrom.Services(services)
        .Enrich.FromLogContext()
        .WriteTo.Console(formatProvider: CultureInfo.InvariantCulture));
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
catch (OptionsValidationException ex)
{
    // One clear line per configuration problem, and no port was opened.
    foreach (var failure in ex.Failures)
    {
        Log.Fatal("Configuration error: {Problem}", failure);
    }

    return 2;
}
catch (AccessRuleException ex)
{
    foreach (var problem in ex.Problems)
    {
        Log.Fatal("Access rule error: {Problem}", problem);
    }

    return 2;
}
finally
{
    await Log.CloseAndFlushAsync();
}
