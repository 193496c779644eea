using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Storage;

/// <summary>Fails start-up with one line per problem in the "Storage" section.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new List<string>();
        if (!string.Equals(options.Provider, StorageOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Storage:Provider '{options.Provider}' is not supported; the only supported value is '{StorageOptions.SqliteProvider}'.");
        }

        if (string.IsNullOrWhiteSpace(options.SqlitePath))
        {
            failures.Add("Storage:SqlitePath must not be empty.");
        }

        if (options.LogRetentionLines < 1)
        {
            failures.Add($"Storage:LogRetentionLines must be at least 1 (was {options.LogRetentionLines}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
