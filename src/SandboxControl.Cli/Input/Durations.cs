using System.Globalization;
using System.Text.RegularExpressions;

namespace SandboxControl.Cli.Input;

/// <summary>
/// Durations as people type them everywhere in sandboxctl: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1.5h</c>,
/// <c>1h30m</c>, <c>7d</c>. One parser for every flag, so a form that works on one works on all.
/// </summary>
internal static partial class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var match = text is null ? Match.Empty : Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var milliseconds = 0.0;
        for (var i = 0; i < match.Groups["amount"].Captures.Count; i++)
        {
            var amount = double.Parse(match.Groups["amount"].Captures[i].Value, CultureInfo.InvariantCulture);
            milliseconds += amount * match.Groups["unit"].Captures[i].Value switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => 86_400_000,
            };
        }

        if (milliseconds >= TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    // "ms" before "m": the alternation tries the longer unit first.
    [GeneratedRegex(@"^(?:(?<amount>[0-9]{1,9}(?:\.[0-9]{1,9})?)(?<unit>ms|s|m|h|d))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
