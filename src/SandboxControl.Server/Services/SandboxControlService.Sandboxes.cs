using System.Buffers.Text;
using System.Text;
using Grpc.Core;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Storage;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

internal sealed partial class SandboxControlService
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<ListSandboxesResponse> ListSandboxes(ListSandboxesRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            RpcErrors.InvalidArgument($"page_size must be between 0 and {MaxPageSize}");
        }

        var pageSize = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var after = DecodePageToken(request.PageToken);
        // One extra row tells whether another page exists.
        var rows = await store.ListSandboxesAsync(after, pageSize + 1, context.CancellationToken).ConfigureAwait(false);
        var response = new ListSandboxesResponse();
        response.Sandboxes.AddRange(rows.Take(pageSize).Select(row => row.ToProto()));
        if (rows.Count > pageSize)
        {
            response.NextPageToken = EncodePageToken(rows[pageSize - 1].SandboxId);
        }

        return response;
    }

    public override async Task<V1.Sandbox> GetSandbox(GetSandboxRequest request, ServerCallContext context)
    {
        var sandbox = await store.GetSandboxAsync(request.SandboxId, context.CancellationToken).ConfigureAwait(false);
        if (sandbox is null)
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        return sandbox.ToProto();
    }

    public override async Task<V1.Sandbox> CreateSandbox(CreateSandboxRequest request, ServerCallContext context)
    {
        // Without a document the configured default (checked at start) becomes version 1.
        var initialPolicy = request.PolicyDocument.Length == 0 ? policyValidator.DefaultDocument : request.PolicyDocument;
        if (initialPolicy is not null)
        {
            ValidatePolicyDocument(initialPolicy);
        }

        SandboxRecord? created;
        try
        {
            // Only with external certificates, whose tie to an incarnation is their NotBefore: a gap after a deletion,
            // enforced by the store on one clock for all replicas.
            var reuseDelay = _identity.AcceptExternalCertificates ? _identity.ExternalReuseDelay : TimeSpan.Zero;
            created = await store.CreateSandboxAsync(request.SandboxId, initialPolicy, context.GetCaller().ToString(), reuseDelay, context.CancellationToken).ConfigureAwait(false);
        }
        catch (SandboxIdReusedTooSoonException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"sandbox id '{request.SandboxId}' was deleted moments ago; retry in a few seconds"));
        }

        if (created is null)
        {
            RpcErrors.AlreadyExists(request.SandboxId);
        }

        return created.ToProto();
    }

    public override async Task<DeleteSandboxResponse> DeleteSandbox(DeleteSandboxRequest request, ServerCallContext context)
    {
        if (!await store.DeleteSandboxAsync(request.SandboxId, context.CancellationToken).ConfigureAwait(false))
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        // Wake log followers so their streams end now rather than at their next push.
        logFeed.Publish(request.SandboxId);
        return new DeleteSandboxResponse();
    }

    private static string? DecodePageToken(string token)
    {
        if (token.Length == 0)
        {
            return null;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(token.Length)];
        var written = 0;
        if (token.Length > 128 || !Base64Url.TryDecodeFromChars(token, bytes, out written))
        {
            RpcErrors.InvalidArgument("page_token is not a token this server issued");
        }

        var id = Encoding.UTF8.GetString(bytes, 0, written);
        if (!IdentityNames.IsValidId(id))
        {
            RpcErrors.InvalidArgument("page_token is not a token this server issued");
        }

        return id;
    }

    private static string EncodePageToken(string lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastId));
}
