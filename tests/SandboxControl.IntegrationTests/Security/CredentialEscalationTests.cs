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
/// Credentials are write-only for operators: an ADMIN-only or VIEWER-only operator gets neither a sandbox
/// certificate nor a credential by any RPC, in any order, including after re-creating the sandbox.
/// </summary>
public sealed class CredentialEscalationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Secret = "TOKEN-escalation-secret";

    private static readonly ServiceDescriptor Service = SandboxControlReflection.Descriptor.Services.Single();

    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData(TestServer.AdminName)]
    [InlineData(TestServer.ViewerName)]
    public async Task Operator_EveryRpcAndSequence_NoCertificateAndNoCredential(string operatorName)
    {
        var id = await Server.CreateUniqueSandboxAsync("escalate", "p");
        await SetSecretAsync(id);
        var channel = Server.Channel(Server.Pki.Operator(operatorName));
        var client = GrpcClients.Client(channel);
        var seen = new List<string>();

        // The direct routes: issuing, renewing (as if a sandbox) and reading credentials.
        seen.Add(await ExpectDeniedAsync(() => client.IssueSandboxCertificateAsync(new IssueSandboxCertificateRequest { SandboxId = id, CsrPem = Csr() }).ResponseAsync));
        seen.Add(await ExpectDeniedAsync(() => client.RenewSandboxCertificateAsync(new RenewSandboxCertificateRequest { SandboxId = id, CsrPem = Csr() }).ResponseAsync));
        seen.Add(await ExpectDeniedAsync(() => client.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = id }).ResponseAsync));

        // Every RPC of the service with this sandbox as target (and a valid CSR where one is taken), in proto order,
        // then again after the operator re-created the sandbox (when it may) and set credentials itself.
        for (var pass = 0; pass < 2; pass++)
        {
            // DeleteSandbox is exercised by the re-creation below.
            foreach (var method in Service.Methods.Where(m => m.Name != "DeleteSandbox"))
            {
                var (status, response) = await GenericCall.InvokeAsync(channel, method, Request(method, id));
                seen.Add(status.Detail + response);
                if (method.Name is "IssueSandboxCertificate" or "RenewSandboxCertificate" or "GetSandboxProviderEnvironment")
                {
                    Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
                }
            }

            if (operatorName == TestServer.AdminName)
            {
                await client.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });
                await client.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "p" });
                await SetSecretAsync(id);
            }
        }

        Assert.All(seen, text =>
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("BEGIN CERTIFICATE", text, StringComparison.Ordinal);
        });
        // Nothing was issued for the sandbox's current incarnation by these calls.
        var certificates = await Server.Admin.ListSandboxCertificatesAsync(new ListSandboxCertificatesRequest { SandboxId = id });
        Assert.Empty(certificates.Certificates);
    }

    private async Task SetSecretAsync(string id)
    {
        var request = new SetSandboxProviderEnvironmentRequest { SandboxId = id };
        request.Variables["TOKEN"] = Secret;
        await Server.Admin.SetSandboxProviderEnvironmentAsync(request);
    }

    private static async Task<string> ExpectDeniedAsync<T>(Func<Task<T>> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        return ex.Status.Detail;
    }

    private static string Csr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=escalate", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    private static IMessage Request(MethodDescriptor method, string target)
    {
        var request = method.InputType.Parser.ParseFrom(ByteString.Empty);
        method.InputType.FindFieldByName("sandbox_id")?.Accessor.SetValue(request, target);
        if (method.InputType.FindFieldByName("csr_pem") is { } csr)
        {
            csr.Accessor.SetValue(request, Csr());
        }

        return request;
    }
}
