using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Secrets;
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

        // "sqlite" is the only provider the validator accepts; a second engine selects here on StorageOptions.Provider.
        services.TryAddSingleton<ISandboxStore, SqliteSandboxStore>();
        services.AddHostedService<SandboxStoreInitializer>();
        return services;
    }
}
