using System.Text;
using System.Text.Json;

namespace SandboxControl.Cli.Output;

/// <summary>Writes small JSON objects that are not protobuf messages (results of local commands).</summary>
internal static class JsonDocumentWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = true };

    /// <summary>One indented JSON object; values may be strings, numbers, booleans or <see langword="null"/>.</summary>
    public static string Format(IEnumerable<(string Name, object? Value)> properties)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case IEnumerable<string> texts:
                writer.WriteStartArray();
                foreach (var text in texts)
                {
                    writer.WriteStringValue(text);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException("Unsupported JSON value type " + value.GetType().Name + ".", nameof(value));
        }
    }
}
