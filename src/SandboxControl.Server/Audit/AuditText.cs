using System.Globalization;
using System.Text;

namespace SandboxControl.Server.Audit;

/// <summary>Makes attacker-chosen text safe for one audit line: bounded, printable ASCII, escapes visible.</summary>
internal static class AuditText
{
    private const int MaxLength = 128;

    public static string? Sanitize(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var needsWork = value.Length > MaxLength;
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '\\')
            {
                needsWork = true;
                break;
            }
        }

        if (!needsWork)
        {
            return value;
        }

        var builder = new StringBuilder(Math.Min(value.Length, MaxLength) + 16);
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, MaxLength)))
        {
            if (c is < ' ' or > '~' or '\\')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (value.Length > MaxLength)
        {
            builder.Append("...(").Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(" chars)");
        }

        return builder.ToString();
    }
}
