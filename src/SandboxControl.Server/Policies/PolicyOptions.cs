namespace SandboxControl.Server.Policies;

/// <summary>How policy documents are checked, and the default one. Section "Policy".</summary>
internal sealed class PolicyOptions
{
    public const string SectionName = "Policy";

    /// <summary>opaque (any non-empty text, the default), json or yaml: every document must parse in this format.</summary>
    /// <remarks>A string, not the enum: an unknown value must reach the validator as one line, not fail the binder.</remarks>
    public string Format { get; set; } = "opaque";

    /// <summary><see cref="Format"/> parsed; <see cref="PolicyFormat.Opaque"/> until validated.</summary>
    public PolicyFormat ParsedFormat => Enum.TryParse<PolicyFormat>(Format, ignoreCase: true, out var format) && Enum.IsDefined(format) ? format : PolicyFormat.Opaque;

    /// <summary>
    /// Optional JSON Schema (draft 2020-12) file every json or yaml document must satisfy. Loaded and checked at start;
    /// re-read when its content changes (a broken new version is refused and the previous schema stays in force).
    /// </summary>
    public string? SchemaPath { get; set; }

    /// <summary>Optional policy document given as version 1 to a sandbox created without one. Checked at start.</summary>
    public string? DefaultPath { get; set; }

    /// <summary>How often the schema file is checked for changes. Default 2 s.</summary>
    public TimeSpan SchemaPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
