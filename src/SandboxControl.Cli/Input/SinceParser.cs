using System.Globalization;
using System.Text.RegularExpressions;

namespace SandboxControl.Cli.Input;

/// <summary>Parses <c>--since</c>: a duration back from now (<c>90s</c>, <c>15m</c>, <c>2h30m</c>, <c>1d</c>) or an RFC 3339 time.</summary>
internal static partial class SinceParser
{
    /// <exception cref="UsageException">Neither a duration nor an RFC 3339 time.</exception>
    public static DateTimeOffset Parse(string value, DateTimeOffset now)
    {
        var trimmed = value.Trim();
        var match = DurationPattern().Match(trimmed);
        if (match.Success)
        {
            try
            {
                return now - SumDuration(match);
            }
            catch (Exception exception) when (exception is OverflowException or ArgumentOutOfRangeException)
            {
                throw new UsageException("--since reaches back further than a date can.");
            }
        }

        // RFC 3339 requires an offset ("Z" or "+02:00"); a bare local time would be ambiguous.
        if (RfcOffsetPattern().IsMatch(trimmed)
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        throw new UsageException("--since must be a duration such as 15m, 2h30m or 1d, or an RFC 3339 time such as 2025-01-31T12:00:00Z.");
    }

    private static TimeSpan SumDuration(Match match)
    {
        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = part.Value.TrimStart("0123456789".ToCharArray());
            var amount = long.Parse(part.Value[..^unit.Length], NumberStyles.None, CultureInfo.InvariantCulture);
            total += unit switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        return total;
    }

    [GeneratedRegex("^(?<part>[0-9]{1,9}(ms|s|m|h|d))+$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex RfcOffsetPattern();
}
