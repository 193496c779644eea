using Grpc.Core;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// The call's own context with one difference: its cancellation token also fires when the interceptor
/// ends the call (the caller's certificate was revoked or its sandbox deleted while the stream was open).
/// </summary>
internal sealed class DelegatingCallContext : ServerCallContext
{
    // grpc-dotnet's GetHttpContext() falls back to this UserState key for contexts it did not create.
    private const string HttpContextKey = "__HttpContext";
    private readonly ServerCallContext _inner;
    private readonly CancellationToken _cancellationToken;

    public DelegatingCallContext(ServerCallContext inner, HttpContext httpContext, CancellationToken cancellationToken)
    {
        _inner = inner;
        _cancellationToken = cancellationToken;
        inner.UserState[HttpContextKey] = httpContext;
    }

    protected override string MethodCore => _inner.Method;

    protected override string HostCore => _inner.Host;

    protected override string PeerCore => _inner.Peer;

    protected override DateTime DeadlineCore => _inner.Deadline;

    protected override Metadata RequestHeadersCore => _inner.RequestHeaders;

    protected override CancellationToken CancellationTokenCore => _cancellationToken;

    protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;

    protected override Status StatusCore
    {
        get => _inner.Status;
        set => _inner.Status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => _inner.WriteOptions;
        set => _inner.WriteOptions = value;
    }

    protected override AuthContext AuthContextCore => _inner.AuthContext;

    protected override IDictionary<object, object> UserStateCore => _inner.UserState;

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => _inner.CreatePropagationToken(options);
}
