namespace SandboxControl.Server.Storage;

/// <summary>Where and how the control plane keeps its state (configuration section "Storage").</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public const string SqliteProvider = "sqlite";

    /// <summary>The storage engine. Only "sqlite" is supported for now. Default "sqlite".</summary>
    public string Provider { get; set; } = SqliteProvider;

    /// <summary>
    /// Path of the SQLite database file; a relative path is resolved against the working directory.
    /// Missing parent directories are created (mode 0700). Default "data/sandboxcontrol.db".
    /// </summary>
    public string SqlitePath { get; set; } = "data/sandboxcontrol.db";

    /// <summary>
    /// How many log lines are kept per sandbox; older lines are dropped as new ones arrive. Default 10000.
    /// </summary>
    public int LogRetentionLines { get; set; } = 10_000;
}
