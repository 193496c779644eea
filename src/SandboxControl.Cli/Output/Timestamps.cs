using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace SandboxControl.Cli.Output;

/// <summary>Formats times as RFC 3339 UTC with milliseconds.</summary>
internal static class Timestamps
{
    public static string Format(Timestamp? timestamp) => timestamp is null ? "-" : Format(timestamp.ToDateTimeOffset());

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
