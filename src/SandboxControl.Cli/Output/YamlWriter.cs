using System.Text;
using System.Text.Json;

namespace SandboxControl.Cli.Output;

/// <summary>The JSON document a command prints, as block-style YAML (strings always quoted, so no value changes type).</summary>
internal static class YamlWriter
{
    public static string FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var output = new StringBuilder();
        Write(output, document.RootElement, 0, inSequence: false);
        return output.ToString();
    }

    private static void Write(StringBuilder output, JsonElement element, int indent, bool inSequence)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when element.EnumerateObject().Any():
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    // The first key of a sequence item shares the "- " line.
                    output.Append(first && inSequence ? "" : new string(' ', indent)).Append(Scalar(property.Name)).Append(':');
                    WriteChild(output, property.Value, indent);
                    first = false;
                }

                break;
            case JsonValueKind.Array when element.GetArrayLength() > 0:
                foreach (var item in element.EnumerateArray())
                {
                    output.Append(new string(' ', indent)).Append("- ");
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && IsNonEmpty(item))
                    {
                        if (item.ValueKind == JsonValueKind.Array)
                        {
                            output.Append('\n');
                        }

                        Write(output, item, indent + 2, inSequence: item.ValueKind == JsonValueKind.Object);
                    }
                    else
                    {
                        output.Append(Leaf(item)).Append('\n');
                    }
                }

                break;
            default:
                output.Append(Leaf(element)).Append('\n');
                break;
        }
    }

    private static void WriteChild(StringBuilder output, JsonElement value, int indent)
    {
        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && IsNonEmpty(value))
        {
            output.Append('\n');
            Write(output, value, indent + 2, inSequence: false);
        }
        else
        {
            output.Append(' ').Append(Leaf(value)).Append('\n');
        }
    }

    private static bool IsNonEmpty(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object ? value.EnumerateObject().Any() : value.GetArrayLength() > 0;

    private static string Leaf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Scalar(value.GetString()!),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object => "{}",
        JsonValueKind.Array => "[]",
        _ => "null",
    };

    // JSON string escapes are valid YAML double-quoted escapes, so a JSON-encoded string is a safe YAML scalar.
    private static string Scalar(string text) => JsonSerializer.Serialize(text, YamlJsonContext.Default.String);
}
