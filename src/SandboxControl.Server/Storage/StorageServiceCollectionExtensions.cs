using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Secrets;
using SandboxControl.Server.Storage.Postgres;
using SandboxControl.Server.Storage.Sqlite;

namespace SandboxControl.Server.Storage;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StorageOptions"/> (section "Storage", validated at start), the secrets the store
    /// encrypts credentials with, the singleton <see cref="ISandboxStore"/>, and a hosted service that initializes
    /// it before the server starts.
    /// </summary>
    public static IServiceCollection AddSandboxStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.AddSandboxSecrets();
        services.TryAddSingleton(TimeProvider.System);

        // The engine is chosen when the store is first resolved, after the options were bound and validated.
        services.TryAddSingleton<SqliteDatabaseLock>();
        services.TryAddSingleton<ISandboxStore>(static provider =>
            provider.GetRequiredService<IOptions<StorageOptions>>().Value.IsPostgres
                ? ActivatorUtilities.CreateInstance<PostgresSandboxStore>(provider)
                : ActivatorUtilities.CreateInstance<SqliteSandboxStore>(provider, provider.GetRequiredService<SqliteDatabaseLock>()));
        services.TryAddSingleton<CurrentPolicyCache>();
        services.TryAddSingleton<LogCommit.LogCommitQueue>();
        services.AddHostedService<SandboxStoreInitializer>();
        return services;
    }
}
