using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using SandboxControl.Server.Authorization;

namespace SandboxControl.Server.Audit;

/// <summary>
/// Formats a message for logs with every field marked (sandboxcontrol.v1.secret) redacted, found by
/// descriptor: a new secret field is redacted without anyone remembering to.
/// </summary>
internal static class SecretRedactor
{
    public const string Redacted = "[redacted]";

    public static string Format(IMessage message)
    {
        var copy = message.Descriptor.Parser.ParseFrom(message.ToByteString());
        Redact(copy);
        return JsonFormatter.Default.Format(copy);
    }

    private static void Redact(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (IsSecret(field))
            {
                RedactField(message, field);
            }
            else if (field.FieldType == FieldType.Message && !field.IsMap)
            {
                RedactNested(message, field);
            }
        }
    }

    private static bool IsSecret(FieldDescriptor field) => DescriptorOptions.IsSecret(field);

    private static void RedactField(IMessage message, FieldDescriptor field)
    {
        var value = field.Accessor.GetValue(message);
        // Map<string,string>: keep the names (useful, not secret), replace every value.
        if (field.IsMap && value is IDictionary map && field.MessageType.FindFieldByNumber(2).FieldType == FieldType.String)
        {
            foreach (var key in map.Keys.Cast<object>().ToList())
            {
                map[key] = Redacted;
            }

            return;
        }

        if (field.FieldType == FieldType.String && !field.IsRepeated)
        {
            field.Accessor.SetValue(message, Redacted);
            return;
        }

        field.Accessor.Clear(message);
    }

    private static void RedactNested(IMessage message, FieldDescriptor field)
    {
        var value = field.Accessor.GetValue(message);
        if (field.IsRepeated && value is IEnumerable items)
        {
            foreach (var item in items.OfType<IMessage>())
            {
                Redact(item);
            }
        }
        else if (value is IMessage nested)
        {
            Redact(nested);
        }
    }
}
