using Google.Protobuf;

namespace SandboxControl.Cli.Output;

/// <summary>Proto3 JSON mapping of gRPC messages (lowerCamelCase names, int64 as strings, enums by name).</summary>
internal static class ProtoJson
{
    // Default values are printed so a script sees "policyVersion": "0" rather than a missing field.
    private static readonly JsonFormatter Indented = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation("  "));

    private static readonly JsonFormatter Compact = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    /// <summary>An indented document.</summary>
    public static string Format(IMessage message) => Indented.Format(message);

    /// <summary>A single-line document (JSON lines).</summary>
    public static string FormatLine(IMessage message) => Compact.Format(message);

    /// <summary>An indented JSON array of messages.</summary>
    public static string FormatArray(IEnumerable<IMessage> messages)
    {
        var items = messages.Select(message => "  " + Indented.Format(message).Replace("\n", "\n  ", StringComparison.Ordinal)).ToList();
        return items.Count == 0 ? "[]" : "[\n" + string.Join(",\n", items) + "\n]";
    }
}
