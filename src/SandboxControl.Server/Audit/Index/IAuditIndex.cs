namespace SandboxControl.Server.Audit.Index;

/// <summary>
/// Where the audit events of every replica can be queried in one place (PostgreSQL). Each replica's audit file stays
/// the record written before a call proceeds; the index is a copy shipped from it, keyed by replica, file and offset,
/// so shipping a line twice stores it once.
/// </summary>
internal interface IAuditIndex
{
    /// <summary>How far this replica's file was shipped, or null if it never was.</summary>
    Task<AuditShippingMark?> GetShippingMarkAsync(string replica, CancellationToken cancellationToken);

    /// <summary>Stores the lines and moves the replica's mark, in one transaction.</summary>
    Task StoreAsync(string replica, IReadOnlyList<ShippedAuditLine> lines, AuditShippingMark mark, CancellationToken cancellationToken);

    Task<AuditIndexPage> QueryAsync(AuditQuery query, AuditIndexCursor? after, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> events stored in the index longer than <paramref name="age"/> ago, by
    /// the index's own clock; returns how many. The replicas' files are untouched.
    /// </summary>
    Task<int> DeleteStoredBeforeAsync(TimeSpan age, int limit, CancellationToken cancellationToken);
}

/// <summary>A file is named by <see cref="AuditFileKey"/>, the offset is the byte after the last line shipped.</summary>
internal sealed record AuditShippingMark(string FileKey, long Offset);

internal sealed record ShippedAuditLine(string FileKey, long Offset, AuditEvent Event, string Json);

/// <summary>The position of the last event of a page, in the index's order (time, replica, file, offset).</summary>
internal sealed record AuditIndexCursor(long TimeMs, string Replica, string FileKey, long Offset);

internal sealed record AuditIndexPage(IReadOnlyList<AuditEvent> Events, AuditIndexCursor? Next);
