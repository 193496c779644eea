using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Secrets;

/// <summary>Fails start-up, in one line, when no usable 32-byte key can be loaded from the configured source.</summary>
internal sealed class SecretsOptionsValidator : IValidateOptions<SecretsOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        if (!SecretsKeyLoader.TryLoad(options, out var key, out var error))
        {
            return ValidateOptionsResult.Fail(error);
        }

        CryptographicOperations.ZeroMemory(key);
        return ValidateOptionsResult.Success;
    }
}
