using Npgsql;

namespace SandboxControl.Tests.Storage;

/// <summary>
/// A throw-away database on the PostgreSQL server named by SANDBOXCONTROL_TEST_POSTGRES (a connection string whose
/// role may CREATE DATABASE). Each instance creates a fresh database, so tests never see each other's rows or
/// notifications; disposing drops it.
/// </summary>
public sealed class PostgresTestDatabase : IDisposable
{
    public const string EnvironmentVariable = "SANDBOXCONTROL_TEST_POSTGRES";

    private static readonly string? ServerConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;

    private readonly string _name = "sc_test_" + Guid.NewGuid().ToString("N");

    public PostgresTestDatabase()
    {
        if (ServerConnectionString is null)
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, and CI requires the PostgreSQL tests to run (.ci/run starts a server and sets it).");
        }

        Execute(ServerConnectionString, $"CREATE DATABASE \"{_name}\";");
        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _name }.ConnectionString;
    }

    /// <summary>Null when the PostgreSQL cases run; otherwise why they are skipped.</summary>
    public static string? SkipReason =>
        ServerConnectionString is not null || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"PostgreSQL tests skipped: set {EnvironmentVariable} to a connection string (a role with CREATEDB), as .ci/run does.";

    /// <summary>The fresh database, same server and credentials.</summary>
    public string ConnectionString { get; }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        // FORCE may not end a backend of another role, and an autovacuum worker (the superuser's) visits busy test
        // databases for a moment: 42501 until it leaves. Waited out with a bound, never ignored.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Execute(ServerConnectionString!, $"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE);");
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 50)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
