using System.Globalization;
using System.Text.RegularExpressions;

namespace SandboxControl.Cli.Certificates;

/// <summary>
/// The server's deny list: one hex serial per line, <c>#</c> comments. Serials compare as the server
/// compares them (colons removed, leading zeros ignored, case-insensitive).
/// </summary>
internal static partial class DenyListFile
{
    /// <summary>Upper-case hex without separators.</summary>
    /// <exception cref="UsageException">Not a hex serial number.</exception>
    public static string NormalizeSerial(string serial)
    {
        var compact = serial.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (!HexPattern().IsMatch(compact))
        {
            throw new UsageException("--serial must be a hexadecimal serial number (at most 20 bytes, colons allowed).");
        }

        return compact;
    }

    /// <summary>Appends <paramref name="serial"/> with a <c># revoked &lt;UTC time&gt;</c> comment unless it is already listed.</summary>
    /// <returns><see langword="true"/> if the serial was added, <see langword="false"/> if it was already there.</returns>
    public static bool Add(string fullPath, string serial, DateTimeOffset now)
    {
        var existing = File.Exists(fullPath) ? File.ReadAllText(fullPath) : "";
        var key = Comparable(serial);
        if (existing.Split('\n').Select(Entry).Any(entry => entry.Length > 0 && Comparable(entry) == key))
        {
            return false;
        }

        var separator = existing.Length > 0 && !existing.EndsWith('\n') ? "\n" : "";
        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        File.AppendAllText(fullPath, $"{separator}# revoked {stamp}\n{serial}\n");
        return true;
    }

    private static string Entry(string line)
    {
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        return (hash >= 0 ? line[..hash] : line).Trim();
    }

    private static string Comparable(string serial) =>
        serial.Replace(":", "", StringComparison.Ordinal).TrimStart('0').ToUpperInvariant();

    [GeneratedRegex("^[0-9A-F]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex HexPattern();
}
