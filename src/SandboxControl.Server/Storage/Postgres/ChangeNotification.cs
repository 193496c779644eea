using System.Globalization;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>
/// NOTIFY payloads on one channel: "n|createdAtMs|incarnation|id", "x|incarnation|id", "l|id", "p|id",
/// "i|serial|incarnation|parentSerial|id" (parent empty for an issuance), "r|serial|id",
/// "e|serial|newParentSerial|id" (a pruned certificate; its children's new parent, empty for none). The id goes last so it may
/// contain '|'; serials and incarnations are hex or decimal. The letters of earlier versions ("c", "d") are no
/// longer sent, so a mixed-version pair of replicas ignores rather than misreads them.
/// </summary>
internal static class ChangeNotification
{
    public const string Channel = "sandboxcontrol_changes";

    public static string Created(string sandboxId, long createdAtMs, string incarnation) =>
        string.Create(CultureInfo.InvariantCulture, $"n|{createdAtMs}|{incarnation}|{sandboxId}");

    public static string Deleted(string sandboxId, string incarnation) => "x|" + incarnation + "|" + sandboxId;

    public static string LogsAppended(string sandboxId) => "l|" + sandboxId;

    public static string PolicyChanged(string sandboxId) => "p|" + sandboxId;

    public static string CertificateIssued(string sandboxId, string serialNumber, string incarnation, string? parentSerialNumber) =>
        "i|" + serialNumber + "|" + incarnation + "|" + parentSerialNumber + "|" + sandboxId;

    public static string CertificateRevoked(string sandboxId, string serialNumber) => "r|" + serialNumber + "|" + sandboxId;

    public static string CertificatePruned(string sandboxId, string serialNumber, string? newParentSerialNumber) =>
        "e|" + serialNumber + "|" + newParentSerialNumber + "|" + sandboxId;

    /// <summary>False for a payload this version does not understand.</summary>
    public static bool TryParse(string payload, out Change change)
    {
        ArgumentNullException.ThrowIfNull(payload);

        change = default;
        if (payload.Length < 3 || payload[1] != '|')
        {
            return false;
        }

        var fields = payload[2..];
        switch (payload[0])
        {
            case 'l':
                change = new Change(SandboxChangeKind.LogsAppended, fields);
                return true;
            case 'p':
                change = new Change(SandboxChangeKind.PolicyChanged, fields);
                return true;
            case 'x' when Split(fields, 1) is [var incarnation, var id]:
                change = new Change(SandboxChangeKind.Deleted, id) { Incarnation = incarnation };
                return true;
            case 'n' when Split(fields, 2) is [var ms, var incarnation, var id]
                && long.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var createdAtMs):
                change = new Change(SandboxChangeKind.Created, id) { CreatedAtMs = createdAtMs, Incarnation = incarnation };
                return true;
            case 'i' when Split(fields, 3) is [var serial, var incarnation, var parent, var id]:
                change = new Change(SandboxChangeKind.CertificateIssued, id)
                {
                    SerialNumber = serial,
                    Incarnation = incarnation,
                    ParentSerialNumber = parent.Length == 0 ? null : parent,
                };
                return true;
            case 'r' when Split(fields, 1) is [var serial, var id]:
                change = new Change(SandboxChangeKind.CertificateRevoked, id) { SerialNumber = serial };
                return true;
            case 'e' when Split(fields, 2) is [var serial, var parent, var id]:
                change = new Change(SandboxChangeKind.CertificatePruned, id)
                {
                    SerialNumber = serial,
                    ParentSerialNumber = parent.Length == 0 ? null : parent,
                };
                return true;
            default:
                return false;
        }
    }

    // The first `count` fields, then the rest (the id) whole.
    private static string[] Split(string fields, int count)
    {
        var parts = fields.Split('|', count + 1);
        return parts.Length == count + 1 && parts[^1].Length > 0 ? parts : [];
    }

    /// <summary>One parsed notification; the optional parts are set for the kinds that carry them.</summary>
    internal readonly record struct Change(SandboxChangeKind Kind, string SandboxId)
    {
        public long CreatedAtMs { get; init; }

        public string? Incarnation { get; init; }

        public string? SerialNumber { get; init; }

        public string? ParentSerialNumber { get; init; }
    }
}
