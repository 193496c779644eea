using System.Globalization;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>
/// NOTIFY payloads on one channel: "c|createdAtMs|id", "d|id", "l|id", "p|id". The id goes last so it may contain '|'.
/// </summary>
internal static class ChangeNotification
{
    public const string Channel = "sandboxcontrol_changes";

    public static string Created(string sandboxId, long createdAtMs) =>
        string.Create(CultureInfo.InvariantCulture, $"c|{createdAtMs}|{sandboxId}");

    public static string Deleted(string sandboxId) => "d|" + sandboxId;

    public static string LogsAppended(string sandboxId) => "l|" + sandboxId;

    public static string PolicyChanged(string sandboxId) => "p|" + sandboxId;

    /// <summary>False for a payload this version does not understand.</summary>
    public static bool TryParse(string payload, out SandboxChangeKind kind, out string sandboxId, out long createdAtMs)
    {
        ArgumentNullException.ThrowIfNull(payload);

        kind = default;
        sandboxId = string.Empty;
        createdAtMs = 0;
        if (payload.Length < 3 || payload[1] != '|')
        {
            return false;
        }

        var rest = payload[2..];
        switch (payload[0])
        {
            case 'd':
                kind = SandboxChangeKind.Deleted;
                sandboxId = rest;
                return true;
            case 'l':
                kind = SandboxChangeKind.LogsAppended;
                sandboxId = rest;
                return true;
            case 'p':
                kind = SandboxChangeKind.PolicyChanged;
                sandboxId = rest;
                return true;
            case 'c':
                var separator = rest.IndexOf('|', StringComparison.Ordinal);
                if (separator < 0 || !long.TryParse(rest.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out createdAtMs))
                {
                    return false;
                }

                kind = SandboxChangeKind.Created;
                sandboxId = rest[(separator + 1)..];
                return true;
            default:
                return false;
        }
    }
}
