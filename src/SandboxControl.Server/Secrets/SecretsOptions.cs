namespace SandboxControl.Server.Secrets;

/// <summary>
/// Where the key that encrypts provider credentials at rest comes from (configuration section "Secrets").
/// The key never lives in the database or in configuration files: only a path or an environment variable name.
/// </summary>
internal sealed class SecretsOptions
{
    public const string SectionName = "Secrets";

    public const string DefaultKeyEnvironmentVariable = "SANDBOXCONTROL_SECRETS_KEY";

    /// <summary>
    /// Path of a file holding the base64 of 32 random bytes (AES-256). Takes precedence over the environment
    /// variable when set. The file must not be accessible by group or others (mode 0600 or 0400).
    /// </summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// Name of the environment variable holding the base64 of 32 random bytes, used when <see cref="KeyPath"/>
    /// is not set. Default "SANDBOXCONTROL_SECRETS_KEY".
    /// </summary>
    public string KeyEnvironmentVariable { get; set; } = DefaultKeyEnvironmentVariable;
}
