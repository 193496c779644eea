using Google.Protobuf.WellKnownTypes;
using SandboxControl.Server.Storage;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

/// <summary>Storage rows to wire messages and back. No logic beyond the mapping.</summary>
internal static class ProtoMapping
{
    public static V1.Sandbox ToProto(this SandboxRecord record) => new()
    {
        SandboxId = record.SandboxId,
        CreatedAt = Timestamp.FromDateTimeOffset(record.CreatedAt),
        PolicyVersion = record.PolicyVersion,
        Incarnation = record.Incarnation,
    };

    public static SandboxCertificate ToProto(this CertificateRecord record)
    {
        var proto = new SandboxCertificate
        {
            SerialNumber = record.SerialNumber,
            ParentSerialNumber = record.ParentSerialNumber ?? string.Empty,
            Incarnation = record.Incarnation,
            NotBefore = Timestamp.FromDateTimeOffset(record.NotBefore),
            NotAfter = Timestamp.FromDateTimeOffset(record.NotAfter),
            IssuedBy = record.IssuedBy,
        };
        if (record.RevokedAt is { } revokedAt)
        {
            proto.RevokedAt = Timestamp.FromDateTimeOffset(revokedAt);
        }

        return proto;
    }

    public static SandboxPolicy ToProto(this PolicyRecord record) => new()
    {
        SandboxId = record.SandboxId,
        Version = record.Version,
        Document = record.Document,
        CreatedAt = Timestamp.FromDateTimeOffset(record.CreatedAt),
        CreatedBy = record.CreatedBy,
    };

    public static PolicyStatusReport ToProto(this PolicyStatusRecord record) => new()
    {
        SandboxId = record.SandboxId,
        Version = record.Version,
        Status = record.State.ToProto(),
        Message = record.Message,
        ReportedAt = record.ReportedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        ActiveVersion = record.ActiveVersion,
    };

    public static PolicyStatus ToProto(this PolicyState state) => state switch
    {
        PolicyState.Pending => PolicyStatus.Pending,
        PolicyState.Loaded => PolicyStatus.Loaded,
        PolicyState.Failed => PolicyStatus.Failed,
        PolicyState.Superseded => PolicyStatus.Superseded,
        _ => PolicyStatus.Unspecified,
    };

    public static LogLine ToProto(this StoredLogLine line) => new()
    {
        Sequence = line.Sequence,
        Timestamp = Timestamp.FromDateTimeOffset(line.Timestamp),
        Level = (V1.LogLevel)(int)line.Level,
        Source = line.Source,
        Message = line.Message,
    };
}
