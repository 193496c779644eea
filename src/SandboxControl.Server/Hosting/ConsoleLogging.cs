using System.Globalization;
using Serilog;
using Serilog.Formatting.Compact;

namespace SandboxControl.Server.Hosting;

/// <summary>The one console sink of the server process, in the format Logging:Format asks for.</summary>
internal static class ConsoleLogging
{
    // Date, time and offset: a line read days later, or next to another machine's log, is unambiguous.
    private const string TextTemplate = "[{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static LoggerConfiguration WriteConsole(this LoggerConfiguration configuration, string? format) =>
        string.Equals(format, LogOutputOptions.Json, StringComparison.Ordinal)
            ? configuration.WriteTo.Console(new RenderedCompactJsonFormatter())
            : configuration.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture);

    /// <summary>
    /// The format before the host's configuration exists (bootstrap logger): the same key from the command line or
    /// the environment, so even a failed start is logged in the format the collector expects.
    /// </summary>
    public static string? EarlyFormat(string[] args) =>
        new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build()[LogOutputOptions.SectionName + ":Format"];

    /// <summary>Sinks configured under Serilog:WriteTo replace ours, so no event is written twice.</summary>
    public static bool HasConfiguredSinks(IConfiguration configuration) =>
        configuration.GetSection("Serilog:WriteTo").GetChildren().Any();
}
