using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>
/// Every RPC in the proto × every kind of caller, generated from the descriptors: a new RPC is covered
/// without anyone writing a test for it, and its expected outcome comes from its declared rule.
/// </summary>
public sealed class AccessMatrixTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly ServiceDescriptor Service = SandboxControlReflection.Descriptor.Services.Single();

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in Service.Methods)
        {
            foreach (var caller in Enum.GetNames<Caller>())
            {
                data.Add(method.Name, caller);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Rpc_Caller_StatusFollowsDeclaredRule(string rpc, string callerName)
    {
        var method = Service.FindMethodByName(rpc);
        // Re-parsed with our own registry: the server assembly compiles the same proto into its own types.
        var rule = MethodOptions.Parser.WithExtensionRegistry([AccessExtensions.Access]).ParseFrom(method.GetOptions().ToByteString()).GetExtension(AccessExtensions.Access);
        Assert.NotNull(rule);
        var caller = Enum.Parse<Caller>(callerName);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var self = "matrix-a-" + suffix;
        var other = "matrix-b-" + suffix;
        const string OtherData = "matrix-secret-of-b";
        await fixture.Server.CreateSandboxAsync(self, "policy-of-a");
        await fixture.Server.CreateSandboxAsync(other, OtherData);
        var target = caller switch
        {
            Caller.SandboxSelf => self,
            Caller.SandboxMissing => "matrix-missing-" + suffix,
            _ => other,
        };

        var (status, response) = await GenericCall.InvokeAsync(fixture.Server.Channel(await CertificateAsync(caller, self)), method, Request(method, target));

        if (Allowed(caller, rule))
        {
            Assert.True(status.StatusCode is not (StatusCode.PermissionDenied or StatusCode.Unauthenticated), $"{rpc} as {caller}: {status}");
        }
        else
        {
            Assert.True(status.StatusCode == StatusCode.PermissionDenied, $"{rpc} as {caller}: expected PermissionDenied, got {status}");
            Assert.DoesNotContain(OtherData, status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("CERTIFICATE", response, StringComparison.Ordinal);
        }

        if (caller is Caller.SandboxOther or Caller.SandboxMissing)
        {
            Assert.DoesNotContain(OtherData, response, StringComparison.Ordinal);
            Assert.DoesNotContain(other, response, StringComparison.Ordinal);
        }
    }

    private static bool Allowed(Caller caller, AccessRule rule) => caller switch
    {
        Caller.SandboxSelf => rule.Sandbox is SandboxAccess.Types.Level.Self or SandboxAccess.Types.Level.Any,
        // ANY: RPCs about the caller itself (whoami); their requests carry no sandbox_id to refuse.
        Caller.SandboxOther or Caller.SandboxMissing => rule.Sandbox == SandboxAccess.Types.Level.Any,
        Caller.Viewer => rule.Operator == OperatorAccess.Types.Level.Viewer,
        Caller.Admin => rule.Operator is OperatorAccess.Types.Level.Viewer or OperatorAccess.Types.Level.Admin,
        // Issuing is its own role: neither implied by admin nor implying viewer; RPCs open to any sandbox (whoami) carry
        // nobody's data and are open to every configured operator.
        Caller.Issuer => rule.Operator == OperatorAccess.Types.Level.Issuer
            || (rule.Operator == OperatorAccess.Types.Level.Viewer && rule.Sandbox == SandboxAccess.Types.Level.Any),
        _ => false,
    };

    private async Task<X509Certificate2> CertificateAsync(Caller caller, string self) => caller switch
    {
        Caller.Viewer => fixture.Pki.Operator(TestServer.ViewerName),
        Caller.Admin => fixture.Pki.Operator(TestServer.AdminName),
        Caller.Issuer => fixture.Pki.Operator(TestServer.IssuerName),
        Caller.UnlistedOperator => fixture.Pki.Operator("unlisted"),
        _ => await fixture.Server.SandboxCertificateAsync(self),
    };

    private static IMessage Request(MethodDescriptor method, string target)
    {
        var request = method.InputType.Parser.ParseFrom(ByteString.Empty);
        method.InputType.FindFieldByName("sandbox_id")?.Accessor.SetValue(request, target);
        // A valid CSR, so an allowed certificate RPC really signs one and a refused caller provably gets none.
        if (method.InputType.FindFieldByName("csr_pem") is { } csr)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            csr.Accessor.SetValue(request, new CertificateRequest("CN=matrix", key, HashAlgorithmName.SHA256).CreateSigningRequestPem());
        }

        return request;
    }

    public enum Caller
    {
        SandboxSelf,
        SandboxOther,
        SandboxMissing,
        Viewer,
        Admin,
        Issuer,
        UnlistedOperator,
    }
}
