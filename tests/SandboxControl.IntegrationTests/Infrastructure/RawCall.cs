using Grpc.Core;
using Grpc.Net.Client;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>Sends arbitrary bytes as a request message, as a hostile client would: no client-side serialization.</summary>
public static class RawCall
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    public static async Task<Status> UnaryAsync(GrpcChannel channel, string service, string method, byte[] body)
    {
        var call = new Method<byte[], byte[]>(MethodType.Unary, service, method, Bytes, Bytes);
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(call, null, Options(), body);
            return Status.DefaultSuccess;
        }
        catch (RpcException ex)
        {
            return ex.Status;
        }
    }

    public static async Task<Status> ServerStreamingAsync(GrpcChannel channel, string service, string method, byte[] body)
    {
        var call = new Method<byte[], byte[]>(MethodType.ServerStreaming, service, method, Bytes, Bytes);
        try
        {
            using var stream = channel.CreateCallInvoker().AsyncServerStreamingCall(call, null, Options(), body);
            await foreach (var _ in stream.ResponseStream.ReadAllAsync())
            {
            }

            return Status.DefaultSuccess;
        }
        catch (RpcException ex)
        {
            return ex.Status;
        }
    }

    /// <summary>A client stream whose messages are the given bodies, in order.</summary>
    public static async Task<Status> ClientStreamingAsync(GrpcChannel channel, string service, string method, params byte[][] bodies)
    {
        var call = new Method<byte[], byte[]>(MethodType.ClientStreaming, service, method, Bytes, Bytes);
        try
        {
            using var stream = channel.CreateCallInvoker().AsyncClientStreamingCall(call, null, Options());
            try
            {
                foreach (var body in bodies)
                {
                    await stream.RequestStream.WriteAsync(body);
                }

                await stream.RequestStream.CompleteAsync();
            }
            catch (RpcException)
            {
                // The server ended the call first; its status arrives with the response.
            }

            await stream.ResponseAsync;
            return Status.DefaultSuccess;
        }
        catch (RpcException ex)
        {
            return ex.Status;
        }
    }

    private static CallOptions Options() => new(deadline: DateTime.UtcNow.AddSeconds(10));
}
