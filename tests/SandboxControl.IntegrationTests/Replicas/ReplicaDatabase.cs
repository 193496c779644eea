using SandboxControl.Tests.Storage;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>A fresh PostgreSQL database (see <see cref="PostgresTestDatabase"/>) and the server settings that point replicas at it.</summary>
public sealed class ReplicaDatabase : IDisposable
{
    private readonly PostgresTestDatabase _database = new();

    public static string? SkipReason => PostgresTestDatabase.SkipReason;

    /// <summary>Server settings for a replica on this database; replicas share the secrets key of the first.</summary>
    public Dictionary<string, string> Settings(string? secretsKeyPath = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:PostgresConnectionString"] = _database.ConnectionString,
        };
        if (secretsKeyPath is not null)
        {
            settings["Secrets:KeyPath"] = secretsKeyPath;
        }

        return settings;
    }

    public void Dispose() => _database.Dispose();
}
