using Google.Protobuf;
using Grpc.Core;
using SandboxControl.Server.RequestParsing;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.Tests.RequestParsing;

public sealed class GuardedMarshallerTests
{
    private static readonly Method<GetSandboxPolicyRequest, SandboxPolicy> Method = new(
        MethodType.Unary,
        "sandboxcontrol.v1.SandboxControl",
        "GetSandboxPolicy",
        Marshallers.Create(r => r.ToByteArray(), GetSandboxPolicyRequest.Parser.ParseFrom),
        Marshallers.Create(r => r.ToByteArray(), SandboxPolicy.Parser.ParseFrom));

    [Theory]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x0A, 0x02, 0xC3, 0x28 })]
    [InlineData(new byte[] { 0x0F, 0x01 })]
    public void Deserialize_BodyThatDoesNotParse_InvalidArgument(byte[] body)
    {
        var guarded = GuardedMarshaller.Guard(Method);

        var ex = Assert.Throws<RpcException>(() => guarded.RequestMarshaller.ContextualDeserializer(new Payload(body)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(GuardedMarshaller.InvalidBodyMessage, ex.Status.Detail);
    }

    [Fact]
    public void Deserialize_ValidBody_SameMessageAndMethodIdentity()
    {
        var guarded = GuardedMarshaller.Guard(Method);

        var parsed = guarded.RequestMarshaller.ContextualDeserializer(new Payload(new GetSandboxPolicyRequest { SandboxId = "demo" }.ToByteArray()));

        Assert.Equal("demo", parsed.SandboxId);
        Assert.Equal(Method.FullName, guarded.FullName);
        Assert.Same(Method.ResponseMarshaller, guarded.ResponseMarshaller);
    }

    // What grpc-dotnet hands a marshaller: the received message's bytes.
    private sealed class Payload(byte[] bytes) : DeserializationContext
    {
        public override int PayloadLength => bytes.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])bytes.Clone();

        public override System.Buffers.ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(bytes);
    }
}
