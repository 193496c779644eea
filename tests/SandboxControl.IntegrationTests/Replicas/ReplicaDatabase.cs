using Npgsql;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>
/// A fresh database on the server named by SANDBOXCONTROL_TEST_POSTGRES (a role with CREATEDB), dropped on dispose,
/// and the server settings that point replicas at it.
/// </summary>
public sealed class ReplicaDatabase : IDisposable
{
    public const string EnvironmentVariable = "SANDBOXCONTROL_TEST_POSTGRES";

    private static readonly string? ServerConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;

    private readonly string _name = "sc_replicas_" + Guid.NewGuid().ToString("N");

    public ReplicaDatabase()
    {
        if (ServerConnectionString is null)
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, and CI requires the PostgreSQL tests to run (.ci/run starts a server and sets it).");
        }

        Execute($"CREATE DATABASE \"{_name}\";");
        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _name }.ConnectionString;
    }

    public static string? SkipReason =>
        ServerConnectionString is not null || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"PostgreSQL tests skipped: set {EnvironmentVariable} to a connection string (a role with CREATEDB), as .ci/run does.";

    public string ConnectionString { get; }

    /// <summary>Server settings for a replica on this database; replicas share the secrets key of the first.</summary>
    public Dictionary<string, string> Settings(string? secretsKeyPath = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:PostgresConnectionString"] = ConnectionString,
        };
        if (secretsKeyPath is not null)
        {
            settings["Secrets:KeyPath"] = secretsKeyPath;
        }

        return settings;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Execute($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE);");
    }

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
