namespace SandboxControl.Server.Policies;

/// <summary>What the server requires of a policy document (<c>Policy:Format</c>).</summary>
internal enum PolicyFormat
{
    /// <summary>Any non-empty text, stored as given.</summary>
    Opaque,

    /// <summary>One JSON value; checked against <c>Policy:SchemaPath</c> when set.</summary>
    Json,

    /// <summary>One YAML document (no anchors or aliases); checked against <c>Policy:SchemaPath</c> after parsing when set.</summary>
    Yaml,
}
