using System.Globalization;
using System.Text.RegularExpressions;

namespace SandboxControl.Cli.Input;

/// <summary>Parses a plain duration such as <c>90s</c>, <c>5m</c>, <c>1h30m</c> or <c>2d</c>.</summary>
internal static partial class DurationParser
{
    /// <exception cref="UsageException">Not such a duration, or zero.</exception>
    public static TimeSpan Parse(string option, string value)
    {
        var match = Pattern().Match(value.Trim());
        if (!match.Success)
        {
            throw new UsageException($"{option} must be a duration such as 90s, 5m, 1h30m or 2d.");
        }

        var total = TimeSpan.Zero;
        for (var i = 0; i < match.Groups["n"].Captures.Count; i++)
        {
            var amount = long.Parse(match.Groups["n"].Captures[i].Value, CultureInfo.InvariantCulture);
            total += match.Groups["u"].Captures[i].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        return total > TimeSpan.Zero ? total : throw new UsageException($"{option} must be longer than zero.");
    }

    [GeneratedRegex(@"^(?:(?<n>[0-9]{1,6})(?<u>[smhd]))+$")]
    private static partial Regex Pattern();
}
