using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>Calls any RPC from its descriptor alone, whatever its streaming kind, and returns status and response text.</summary>
public static class GenericCall
{
    public static async Task<(Status Status, string Response)> InvokeAsync(GrpcChannel channel, MethodDescriptor descriptor, IMessage request)
    {
        var method = new Method<IMessage, IMessage>(
            Kind(descriptor),
            descriptor.Service.FullName,
            descriptor.Name,
            Marshallers.Create<IMessage>(message => message.ToByteArray(), bytes => descriptor.InputType.Parser.ParseFrom(bytes)),
            Marshallers.Create<IMessage>(message => message.ToByteArray(), bytes => descriptor.OutputType.Parser.ParseFrom(bytes)));
        var invoker = channel.CreateCallInvoker();
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10));
        var responses = new List<IMessage>();
        try
        {
            switch (method.Type)
            {
                case MethodType.Unary:
                    responses.Add(await invoker.AsyncUnaryCall(method, null, options, request));
                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(method, null, options))
                    {
                        await WriteIgnoringEarlyEndAsync(call.RequestStream, request);
                        responses.Add(await call.ResponseAsync);
                    }

                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(method, null, options, request))
                    {
                        await foreach (var response in call.ResponseStream.ReadAllAsync())
                        {
                            responses.Add(response);
                        }
                    }

                    break;
                default:
                    using (var call = invoker.AsyncDuplexStreamingCall(method, null, options))
                    {
                        await WriteIgnoringEarlyEndAsync(call.RequestStream, request);
                        await foreach (var response in call.ResponseStream.ReadAllAsync())
                        {
                            responses.Add(response);
                        }
                    }

                    break;
            }

            return (Status.DefaultSuccess, string.Join('\n', responses.Select(r => r.ToString())));
        }
        catch (RpcException ex)
        {
            return (ex.Status, string.Join('\n', responses.Select(r => r.ToString())));
        }
    }

    private static MethodType Kind(MethodDescriptor descriptor) => (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (true, false) => MethodType.ClientStreaming,
        (false, true) => MethodType.ServerStreaming,
        _ => MethodType.DuplexStreaming,
    };

    private static async Task WriteIgnoringEarlyEndAsync(IClientStreamWriter<IMessage> stream, IMessage request)
    {
        try
        {
            await stream.WriteAsync(request);
            await stream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call first; its status arrives with the response.
        }
    }
}
