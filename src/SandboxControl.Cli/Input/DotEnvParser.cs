using System.Text;
using System.Text.RegularExpressions;

namespace SandboxControl.Cli.Input;

/// <summary>
/// Parses credentials as dotenv-style <c>KEY=VALUE</c> lines: <c>#</c> comment lines, blank lines, an optional
/// <c>export </c> prefix, values optionally in single quotes (literal) or double quotes (<c>\n \" \\</c> escapes).
/// </summary>
/// <remarks>Errors name the line number only: the input holds secrets and must never be echoed.</remarks>
internal static partial class DotEnvParser
{
    /// <exception cref="UsageException">A line is malformed or a name repeats.</exception>
    public static Dictionary<string, string> Parse(string text)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            var line = lines[index].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"credentials line {lineNumber}: expected KEY=VALUE.");
            }

            var name = line[..equals].Trim();
            if (!NamePattern().IsMatch(name))
            {
                throw new UsageException($"credentials line {lineNumber}: the variable name must match [A-Za-z_][A-Za-z0-9_]*.");
            }

            var value = Unquote(line[(equals + 1)..].Trim(), lineNumber);
            if (!variables.TryAdd(name, value))
            {
                throw new UsageException($"credentials line {lineNumber}: variable {name} is set twice.");
            }
        }

        return variables;
    }

    private static string Unquote(string value, int lineNumber)
    {
        if (value.Length == 0 || (value[0] != '"' && value[0] != '\''))
        {
            return value;
        }

        var quote = value[0];
        if (value.Length < 2 || value[^1] != quote)
        {
            throw new UsageException($"credentials line {lineNumber}: unterminated quoted value.");
        }

        var inner = value[1..^1];
        return quote == '\'' ? inner : Unescape(inner, lineNumber);
    }

    private static string Unescape(string value, int lineNumber)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\')
            {
                builder.Append(value[i]);
                continue;
            }

            if (++i == value.Length)
            {
                throw new UsageException($"credentials line {lineNumber}: a value ends with a lone backslash.");
            }

            builder.Append(value[i] switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                _ => value[i],
            });
        }

        return builder.ToString();
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
