using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Secrets;

internal static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SecretsOptions"/> (section "Secrets", validated at start) and a singleton
    /// <see cref="ISecretProtector"/> whose key is read once, when it is first resolved.
    /// </summary>
    public static IServiceCollection AddSandboxSecrets(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<SecretsOptions>()
            .BindConfiguration(SecretsOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>());
        services.TryAddSingleton<ISecretProtector>(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<SecretsOptions>>().Value;
            var key = SecretsKeyLoader.Load(options);
            try
            {
                return new AesGcmSecretProtector(key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        });
        return services;
    }
}
