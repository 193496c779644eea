using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SandboxControl.Pki;

namespace SandboxControl.Client.Errors;

/// <summary>Maps what gRPC, sockets and the PEM loader throw to the library's typed, one-line exceptions.</summary>
internal static class ClientFailures
{
    public static SandboxControlException FromLoad(Exception exception, string certificatePath) => exception switch
    {
        SandboxControlException typed => typed,
        PrivateKeyMismatchException => new KeyMismatchException(exception.Message, exception),
        FileNotFoundException or DirectoryNotFoundException => new CredentialFileException(exception.Message, exception),
        UnauthorizedAccessException => new CredentialFileException($"'{certificatePath}' or its key or CA bundle cannot be read: permission denied.", exception),
        _ => new CredentialFileException(exception.Message, exception),
    };

    /// <param name="exception">What the call threw.</param>
    /// <param name="server">The address called.</param>
    /// <param name="certificate">The certificate the call presented (to name likely causes).</param>
    /// <param name="now">This machine's time: used only to word a likely cause, never to decide anything.</param>
    public static Exception FromCall(Exception exception, Uri server, X509Certificate2 certificate, DateTime now)
    {
        if (exception is not RpcException rpc || rpc.StatusCode == StatusCode.Cancelled)
        {
            return exception;
        }

        if (rpc.StatusCode is not (StatusCode.Unavailable or StatusCode.Internal or StatusCode.DeadlineExceeded) || !IsTransportFailure(rpc))
        {
            return rpc.StatusCode == StatusCode.DeadlineExceeded
                ? new ServerUnreachableException($"{server} did not answer in time (DeadlineExceeded); is the server overloaded or the address a proxy that never answers?", rpc)
                : new ServerRefusedException($"the server refused: {rpc.StatusCode}{(rpc.Status.Detail.Length > 0 ? ": " + rpc.Status.Detail : "")}", rpc);
        }

        if (Find<SocketException>(rpc) is { } socket)
        {
            return new ServerUnreachableException($"cannot connect to {server}: {Describe(socket.SocketErrorCode)}.", rpc);
        }

        if (now > certificate.NotAfter.ToUniversalTime())
        {
            return new CertificateExpiredException(
                $"the server refused the TLS handshake: certificate {certificate.SerialNumber} expired at {certificate.NotAfter.ToUniversalTime():u} (renew it or replace the files).", rpc);
        }

        return new HandshakeRefusedException(
            $"the TLS handshake with {server} failed; likely causes: certificate {certificate.SerialNumber} is not from the server's client CA or is revoked at TLS level, "
            + "the server's certificate does not chain to the CA bundle or does not match the host name, or the address is not a SandboxControl server.", rpc);
    }

    private static bool IsTransportFailure(RpcException rpc) =>
        Find<SocketException>(rpc) is not null || Find<AuthenticationException>(rpc) is not null
        || Find<IOException>(rpc) is not null || Find<HttpRequestException>(rpc) is not null || Find<ObjectDisposedException>(rpc) is not null;

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused (is the server running on that port?)",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name does not resolve",
        SocketError.TimedOut => "connection timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
        _ => "socket error " + error,
    };
}
