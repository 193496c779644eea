using System.Data.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Data.Sqlite;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.Services;

/// <summary>
/// Storage that cannot write (disk full, database down) answers Unavailable with a short reason, never Unknown:
/// clients retry Unavailable, and the exception text (paths, hosts) stays in the server log. Stored data that cannot be
/// read answers DataLoss: retrying will not help, and only that read fails.
/// </summary>
internal sealed class StorageFailureInterceptor(ILogger<StorageFailureInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Refusal(context, ex);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Refusal(context, ex);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Refusal(context, ex);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Refusal(context, ex);
        }
    }

    private static bool IsStorageFailure(Exception ex) =>
        ex is DbException or StorageUnavailableException or TimeoutException or CorruptStoredDataException;

    private RpcException Refusal(ServerCallContext context, Exception ex)
    {
        if (ex is CorruptStoredDataException)
        {
            Log.StoredDataCorrupt(logger, context.Method, ex.Message);
            return new RpcException(new Status(StatusCode.DataLoss, ex.Message));
        }

        var reason = Reason(ex);
        Log.StorageUnavailable(logger, context.Method, reason, ex.Message);
        return new RpcException(new Status(StatusCode.Unavailable, reason));
    }

    private static string Reason(Exception ex) => ex switch
    {
        StorageUnavailableException unavailable => unavailable.Message,
        // SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_BUSY/LOCKED, SQLITE_CANTOPEN
        SqliteException { SqliteErrorCode: 13 } => "storage full",
        SqliteException { SqliteErrorCode: 10 } => "storage I/O error",
        SqliteException { SqliteErrorCode: 8 } => "storage is read-only",
        SqliteException { SqliteErrorCode: 5 or 6 } => "storage busy",
        SqliteException => "storage error",
        TimeoutException => "database timed out",
        _ => "database unreachable",
    };
}
