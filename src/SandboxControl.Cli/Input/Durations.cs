using System.Globalization;

namespace SandboxControl.Cli.Input;

/// <summary>Durations as people type them everywhere in sandboxctl: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>24h</c>, <c>7d</c>.</summary>
internal static class Durations
{
    private static readonly (string Suffix, double Milliseconds)[] Units =
    [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ];

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // "ms" before "m" and "s": the longest suffix that fits wins.
        foreach (var (suffix, milliseconds) in Units.OrderByDescending(unit => unit.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                && amount * milliseconds < TimeSpan.MaxValue.TotalMilliseconds)
            {
                duration = TimeSpan.FromMilliseconds(amount * milliseconds);
                return true;
            }
        }

        return false;
    }
}
