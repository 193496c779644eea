using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Audit.Index;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

internal sealed partial class SandboxControlService
{
    private const int DefaultAuditPageSize = 100;
    private const int MaxAuditPageSize = 1000;

    public override async Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context)
    {
        var pageSize = request.PageSize switch
        {
            0 => DefaultAuditPageSize,
            < 0 or > MaxAuditPageSize => throw new RpcException(new Status(StatusCode.InvalidArgument, $"page_size must be between 1 and {MaxAuditPageSize}")),
            _ => request.PageSize,
        };
        var filters = new AuditQuery(
            request.FilterSandboxId,
            request.Caller,
            request.Rpc,
            request.Decision switch
            {
                AuditDecisionFilter.AuditDecisionAllowed => true,
                AuditDecisionFilter.AuditDecisionDenied => false,
                _ => null,
            },
            request.Since is null ? null : ToDateTimeOffset(request.Since, "since"),
            request.Until is null ? null : ToDateTimeOffset(request.Until, "until"),
            0,
            pageSize);

        return auditIndexing.Index is { } index
            ? await ReadAuditIndexAsync(index, filters, request.PageToken, context.CancellationToken).ConfigureAwait(false)
            : await ReadAuditFileAsync(filters, request.PageToken, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replicas (PostgreSQL): every replica's events, from the shared index.</summary>
    private static async Task<ListAuditEventsResponse> ReadAuditIndexAsync(IAuditIndex index, AuditQuery filters, string pageToken, CancellationToken cancellationToken)
    {
        AuditIndexCursor? after = null;
        if (pageToken.Length > 0 && !AuditPageTokens.TryParseIndexCursor(pageToken, out after))
        {
            RpcErrors.InvalidArgument("page_token is not one this server returned");
        }

        // A database that cannot answer is Unavailable through StorageFailureInterceptor, as for every store call.
        var page = await index.QueryAsync(filters, after, cancellationToken).ConfigureAwait(false);

        var response = new ListAuditEventsResponse { NextPageToken = page.Next is null ? string.Empty : AuditPageTokens.Format(page.Next) };
        response.Events.AddRange(page.Events.Select(ToProto));
        return response;
    }

    /// <summary>One server (SQLite): its own audit file, paged by byte offset.</summary>
    private async Task<ListAuditEventsResponse> ReadAuditFileAsync(AuditQuery filters, string pageToken, CancellationToken cancellationToken)
    {
        var offset = 0L;
        if (pageToken.Length > 0 && (!long.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            RpcErrors.InvalidArgument("page_token is not one this server returned");
        }

        AuditPage page;
        try
        {
            page = await auditReader.ReadAsync(filters with { Offset = offset }, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            // Deleted or rotated and no event since: the new file does not exist yet.
            page = new AuditPage([], null, 0);
        }
        catch (IOException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "audit file unreadable: " + ex.Message));
        }

        var response = new ListAuditEventsResponse
        {
            NextPageToken = page.NextOffset?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            SkippedLines = page.SkippedLines,
        };
        response.Events.AddRange(page.Events.Select(ToProto));
        return response;
    }

    private static AuditEventRecord ToProto(AuditEvent e) => new()
    {
        Time = Timestamp.FromDateTimeOffset(e.Time),
        Caller = e.Caller ?? string.Empty,
        CertificateSerial = e.CertificateSerial ?? string.Empty,
        Rpc = e.Rpc ?? string.Empty,
        Target = e.Target ?? string.Empty,
        Allowed = e.Allowed,
        Status = e.Status ?? string.Empty,
        Reason = e.Reason ?? string.Empty,
        IssuedSerial = e.IssuedSerial ?? string.Empty,
        Replica = e.Replica ?? string.Empty,
    };
}
