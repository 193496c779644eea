using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SandboxControl.Server.Audit;
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
        var offset = 0L;
        if (request.PageToken.Length > 0 && (!long.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            RpcErrors.InvalidArgument("page_token is not one this server returned");
        }

        var query = new AuditQuery(
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
            offset,
            pageSize);

        AuditPage page;
        try
        {
            page = await auditReader.ReadAsync(query, context.CancellationToken).ConfigureAwait(false);
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
