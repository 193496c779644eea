namespace SandboxControl.Server.Hosting;

/// <summary>How the server writes its own log to the console. Section "Logging" (shared with the level settings).</summary>
internal sealed class LogOutputOptions
{
    public const string SectionName = "Logging";

    public const string Text = "text";

    public const string Json = "json";

    /// <summary>
    /// <c>text</c> (default): one line per event with date, time and UTC offset. <c>json</c>: one JSON object per
    /// event (Serilog compact format, rendered message included), for log collectors.
    /// </summary>
    public string Format { get; set; } = Text;
}
