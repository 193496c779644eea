using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace SandboxControl.Server.Audit.Index;

/// <summary>Page tokens of the shared index: "i.{time}.{offset}.{file key}.{replica, base64url}".</summary>
internal static class AuditPageTokens
{
    public static string Format(AuditIndexCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"i.{cursor.TimeMs}.{cursor.Offset}.{cursor.FileKey}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(cursor.Replica))}");
    }

    public static bool TryParseIndexCursor(string token, out AuditIndexCursor? cursor)
    {
        cursor = null;
        var parts = token.Split('.');
        if (parts.Length != 5 || parts[0] != "i"
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var time)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || parts[3].Length == 0 || !parts[3].All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        try
        {
            cursor = new AuditIndexCursor(time, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[4])), parts[3], offset);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
