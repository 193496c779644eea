using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;

namespace SandboxControl.Cli.Connection;

/// <summary>Turns a transport-level gRPC failure into one line saying which certificate or address is at fault.</summary>
internal static class ConnectionFailureExplainer
{
    /// <summary>
    /// A call that never reached a gRPC handler: Unavailable or Internal (a TLS 1.3 alert can surface on the
    /// first read) caused by the HTTP/TLS/socket layer. An Unavailable status sent by the server has no such cause.
    /// Grpc.Net.Client's own connection management reports a failed TCP connect as a bare SocketException.
    /// </summary>
    public static bool IsTransportFailure(RpcException exception) =>
        exception.StatusCode is StatusCode.Unavailable or StatusCode.Internal
        && exception.Status.DebugException is HttpRequestException or IOException or AuthenticationException or SocketException;

    public static string Explain(RpcException exception, ControlPlaneConnection connection)
    {
        var settings = connection.Settings;
        if (connection.Validator.Failure is { } serverCertificateFailure)
        {
            return serverCertificateFailure;
        }

        var causes = Causes(exception.Status.DebugException).ToList();
        if (causes.OfType<SocketException>().FirstOrDefault() is { } socket && DescribeConnectFailure(socket.SocketErrorCode, settings.Endpoint) is { } connect)
        {
            return "cannot connect: " + connect;
        }

        if (causes.Any(cause => cause is TimeoutException or TaskCanceledException))
        {
            return $"cannot connect: timed out connecting to {settings.Endpoint}.";
        }

        return $"cannot connect: the server at {settings.Endpoint} refused the TLS handshake with client certificate '{settings.CertificatePath}' "
            + $"(serial {connection.ClientCertificateSerial}): it is probably not issued by the server's client CA, expired or revoked.";
    }

    private static string? DescribeConnectFailure(SocketError error, string endpoint) => error switch
    {
        SocketError.ConnectionRefused => $"connection to {endpoint} refused (is the server running and listening there?).",
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => $"cannot resolve the host of {endpoint}.",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown => $"{endpoint} is unreachable ({error}).",
        SocketError.TimedOut => $"timed out connecting to {endpoint}.",
        SocketError.AddressNotAvailable => $"address {endpoint} is not available ({error}).",
        _ => null,
    };

    private static IEnumerable<Exception> Causes(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
