namespace SandboxControl.Cli.Output;

/// <summary>How results are printed (<c>-o/--output</c>).</summary>
internal enum OutputFormat
{
    /// <summary>Aligned columns for people.</summary>
    Table,

    /// <summary>One JSON document per command (one object per line for <c>logs --follow</c>), for scripts.</summary>
    Json,
}
