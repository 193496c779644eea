using System.Text.Json.Serialization;

namespace SandboxControl.Server.Audit;

/// <summary>
/// One authorization decision, or one certificate the server signed (<see cref="IssuedSerial"/> set). Never a
/// request body or credential: only who, what, on which sandbox, and the outcome. Caller and Target may be
/// attacker-chosen and are sanitized by the sink. <see cref="Replica"/> is filled in by the sink.
/// </summary>
internal sealed record AuditEvent(
    DateTimeOffset Time,
    string Caller,
    string? CertificateSerial,
    string Rpc,
    string? Target,
    bool Allowed,
    string Status,
    string Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IssuedSerial = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Replica = null);
