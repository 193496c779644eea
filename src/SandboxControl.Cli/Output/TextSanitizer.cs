using System.Globalization;
using System.Text;

namespace SandboxControl.Cli.Output;

/// <summary>Makes server-supplied text safe to print on a terminal.</summary>
/// <remarks>
/// Log lines, ids and error details come from sandboxes running untrusted code: raw escape sequences
/// could rewrite the operator's terminal (hide lines, fake prompts), so control and bidi characters
/// are shown as <c>\u001B</c>-style escapes instead.
/// </remarks>
internal static class TextSanitizer
{
    /// <summary>Escapes every control or bidi-override character, including line breaks.</summary>
    public static string Clean(string? text) => Escape(text, keepLineBreaks: false);

    /// <summary>Escapes control and bidi-override characters but keeps newlines and tabs (multi-line documents).</summary>
    public static string CleanMultiline(string? text) => Escape(text, keepLineBreaks: true);

    private static string Escape(string? text, bool keepLineBreaks)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (!text.Any(c => NeedsEscape(c, keepLineBreaks)))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (NeedsEscape(c, keepLineBreaks))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c, bool keepLineBreaks)
    {
        if (keepLineBreaks && c is '\n' or '\t')
        {
            return false;
        }

        return char.IsControl(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u2028' or '\u2029';
    }
}
