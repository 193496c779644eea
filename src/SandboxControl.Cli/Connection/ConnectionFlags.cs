namespace SandboxControl.Cli.Connection;

/// <summary>The connection settings given on the command line (highest precedence).</summary>
internal sealed record ConnectionFlags(string? Server, string? CaPath, string? CertificatePath, string? KeyPath, string? Context = null);
