using Microsoft.Extensions.Options;
using Npgsql;

namespace SandboxControl.Server.Storage;

/// <summary>Fails start-up with one line per problem in the "Storage" section.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new List<string>();
        if (options.IsPostgres)
        {
            ValidatePostgres(options, failures);
        }
        else
        {
            if (!string.Equals(options.Provider, StorageOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add(
                    $"Storage:Provider '{options.Provider}' is not supported; use '{StorageOptions.SqliteProvider}' or '{StorageOptions.PostgresProvider}'.");
            }

            if (string.IsNullOrWhiteSpace(options.SqlitePath))
            {
                failures.Add("Storage:SqlitePath must not be empty.");
            }
        }

        if (options.LogRetentionLines < 1)
        {
            failures.Add($"Storage:LogRetentionLines must be at least 1 (was {options.LogRetentionLines}).");
        }

        if (options.LogBatchMaxLines < 1)
        {
            failures.Add($"Storage:LogBatchMaxLines must be at least 1 (was {options.LogBatchMaxLines}).");
        }

        if (options.LogQueueMaxMessagesPerSandbox < 1)
        {
            failures.Add($"Storage:LogQueueMaxMessagesPerSandbox must be at least 1 (was {options.LogQueueMaxMessagesPerSandbox}).");
        }

        if (options.LogMessagesInFlightPerStream < 1 || options.LogMessagesInFlightPerStream > options.LogQueueMaxMessagesPerSandbox)
        {
            failures.Add($"Storage:LogMessagesInFlightPerStream must be from 1 to Storage:LogQueueMaxMessagesPerSandbox (was {options.LogMessagesInFlightPerStream}).");
        }

        if (options.PolicyCacheBytes < 0)
        {
            failures.Add($"Storage:PolicyCacheBytes must not be negative (was {options.PolicyCacheBytes}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidatePostgres(StorageOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            failures.Add("Storage:PostgresConnectionString is required when Storage:Provider is 'postgres'.");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
            }
            catch (ArgumentException)
            {
                // The message may echo the string, password included: say only that it is malformed.
                failures.Add("Storage:PostgresConnectionString is not a valid Npgsql connection string.");
            }
        }

        if (options.PostgresMaxStaleness <= TimeSpan.Zero)
        {
            failures.Add($"Storage:PostgresMaxStaleness must be positive (was {options.PostgresMaxStaleness}).");
        }
    }
}
