namespace SandboxControl.Server.Audit;

/// <summary>Section "Audit".</summary>
internal sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// JSON-lines file the audit events are appended to. If empty, events go to the log under the
    /// category "SandboxControl.Audit" instead. If the file cannot be written, requests are refused.
    /// </summary>
    public string? Path { get; set; }
}
