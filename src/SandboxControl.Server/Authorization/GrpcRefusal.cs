using System.Globalization;
using System.Text;
using Grpc.Core;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// Ends a call from middleware the way grpc-dotnet ends a call that fails before its first message:
/// HTTP 200, a gRPC content type and a trailers-only response carrying grpc-status and grpc-message.
/// The request body is never read.
/// </summary>
internal static class GrpcRefusal
{
    public static Task WriteAsync(HttpContext context, StatusCode code, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
        return response.CompleteAsync();
    }

    // The gRPC wire format percent-encodes grpc-message outside printable ASCII (and '%' itself).
    private static string PercentEncode(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
