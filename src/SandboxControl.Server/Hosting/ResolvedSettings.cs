using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Npgsql;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Issuance;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.Hosting;

/// <summary>
/// One line at start with what the server actually resolved, so a production start shows at a glance which trust
/// domain, store, audit file and operators it runs with. Never a secret: the PostgreSQL location is host/database only.
/// </summary>
internal static partial class ResolvedSettings
{
    public static void Log(WebApplication app)
    {
        var services = app.Services;
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "?";
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var rate = services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var issuance = services.GetRequiredService<IOptions<IssuanceOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("SandboxControl.Startup");
        var trustDomain = services.GetRequiredService<IOptions<IdentityOptions>>().Value.TrustDomain;
        var engine = storage.IsPostgres ? StorageOptions.PostgresProvider : StorageOptions.SqliteProvider;
        var location = StorageLocation(storage);
        var auditPath = Path.GetFullPath(services.GetRequiredService<IOptions<AuditOptions>>().Value.Path);
        var operators = services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.Operators.Count;
        var rateLimit = rate.Enabled ? $"{rate.PermitsPerSecond}/s burst {rate.Burst} per caller" : "off";
        Started(logger, address, trustDomain, engine, location, auditPath, operators, issuance.IsConfigured ? "on" : "off", rateLimit);
    }

    private static string StorageLocation(StorageOptions storage)
    {
        if (!storage.IsPostgres)
        {
            return Path.GetFullPath(storage.SqlitePath);
        }

        var connection = new NpgsqlConnectionStringBuilder(storage.PostgresConnectionString);
        return $"{connection.Host}:{connection.Port}/{connection.Database}";
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message =
        "Serving on {Address}: trust domain {TrustDomain}, storage {StorageEngine} at {StorageLocation}, audit {AuditPath}, "
        + "{OperatorCount} operators, issuance {Issuance}, rate limit {RateLimit}")]
    private static partial void Started(
        ILogger logger, string address, string trustDomain, string storageEngine, string storageLocation, string auditPath, int operatorCount, string issuance, string rateLimit);
}
