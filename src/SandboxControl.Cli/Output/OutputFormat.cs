namespace SandboxControl.Cli.Output;

/// <summary>How results are printed (<c>-o/--output</c>).</summary>
internal enum OutputFormat
{
    /// <summary>Aligned columns for people.</summary>
    Table,

    /// <summary>One JSON document per command (one object per line for <c>logs --follow</c>), for scripts.</summary>
    Json,

    /// <summary>The same document as <see cref="Json"/>, as YAML.</summary>
    Yaml,

    /// <summary>The table with every column a command has (ids, serials, timestamps in full).</summary>
    Wide,
}
