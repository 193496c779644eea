using Grpc.Core;

namespace SandboxControl.Client.Errors;

/// <summary>The server answered and refused the call; <see cref="StatusCode"/> says why (see the README's status table).</summary>
public sealed class ServerRefusedException : SandboxControlException
{
    public ServerRefusedException()
    {
    }

    public ServerRefusedException(string message)
        : base(message)
    {
    }

    public ServerRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = (innerException as RpcException)?.StatusCode ?? StatusCode.Unknown;
    }

    /// <summary>The gRPC status the server answered with.</summary>
    public StatusCode StatusCode { get; }
}
