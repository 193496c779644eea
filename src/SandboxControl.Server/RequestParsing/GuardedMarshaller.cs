using System.Text;
using Google.Protobuf;
using Grpc.Core;

namespace SandboxControl.Server.RequestParsing;

/// <summary>
/// Wraps a method's request marshaller so a body that does not parse (bad protobuf, invalid UTF-8 in a
/// string field) becomes InvalidArgument instead of grpc-dotnet's Unknown with an ERR stack trace.
/// </summary>
internal static class GuardedMarshaller
{
    public const string InvalidBodyMessage = "request body is not a valid message";

    public static Method<TRequest, TResponse> Guard<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var inner = method.RequestMarshaller;
        var request = new Marshaller<TRequest>(inner.ContextualSerializer, context => Deserialize(inner, context));
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, request, method.ResponseMarshaller);
    }

    private static T Deserialize<T>(Marshaller<T> inner, DeserializationContext context)
    {
        try
        {
            return inner.ContextualDeserializer(context);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or DecoderFallbackException)
        {
            RequestBodyScope.Current?.MarkBodyInvalid();
            throw new RpcException(new Status(StatusCode.InvalidArgument, InvalidBodyMessage));
        }
    }
}
