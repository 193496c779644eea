using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>
/// Bodies that do not parse: a refused caller gets its designed status whatever it sends (its bytes are
/// never deserialized), an accepted caller gets InvalidArgument; each call is one audit event, never an
/// ERR line or a stack trace, never Unknown.
/// </summary>
public sealed class RequestBodyParsingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Service = "sandboxcontrol.v1.SandboxControl";

    private TestServer Server => fixture.Server;

    public static TheoryData<string, byte[]> BadBodies => new()
    {
        // Field 1, length-delimited, length varint never ends.
        { "truncated", [0x0A, 0xFF, 0xFF, 0xFF] },
        // Field 1 (a string) holding bytes that are not UTF-8.
        { "invalid-utf8", [0x0A, 0x02, 0xC3, 0x28] },
        // Wire type 7 does not exist.
        { "bad-wire-type", [0x0F, 0x01] },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadBody_FromAcceptedSandbox_InvalidArgumentOneAuditEventNoError(string kind, byte[] body)
    {
        var id = await Server.CreateUniqueSandboxAsync("parse", "p");
        var certificate = await Server.SandboxCertificateAsync(id);
        var errorsBefore = ErrorLines();

        var status = await RawCall.UnaryAsync(Server.Channel(certificate), Service, "GetSandboxPolicy", body);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal("request body is not a valid message", status.Detail);
        var events = EventsFor(certificate);
        var single = Assert.Single(events);
        Assert.Equal("InvalidArgument", single.GetProperty("status").GetString());
        Assert.False(single.GetProperty("allowed").GetBoolean());
        Assert.Equal(errorsBefore, ErrorLines());
        Assert.Single(Server.Logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("sandbox/" + id, StringComparison.Ordinal));
        // grpc-dotnet's own "Error reading message" is Information (the server's default config shows Grpc at Warning+).
        var traces = Server.Logs.Lines.Where(line => !line.StartsWith("Information", StringComparison.Ordinal) && !line.StartsWith("Debug", StringComparison.Ordinal) && line.Contains("   at ", StringComparison.Ordinal)).ToList();
        Assert.True(traces.Count == 0, kind + ": " + string.Join("\n----\n", traces));
    }

    [Fact]
    public async Task BadBody_ServerStreamFromAcceptedSandbox_InvalidArgument()
    {
        var id = await Server.CreateUniqueSandboxAsync("parse", "p");
        var certificate = await Server.SandboxCertificateAsync(id);

        var status = await RawCall.ServerStreamingAsync(Server.Channel(certificate), Service, "GetSandboxLogs", [0x0A, 0x02, 0xC3, 0x28]);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal("InvalidArgument", Assert.Single(EventsFor(certificate)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task BadSecondMessage_ClientStreamFromAcceptedSandbox_InvalidArgumentFirstMessageStored()
    {
        var id = await Server.CreateUniqueSandboxAsync("parse", "p");
        var certificate = await Server.SandboxCertificateAsync(id);
        var good = new PushSandboxLogsRequest { SandboxId = id, Lines = { SandboxIsolationTests.Line("first") } }.ToByteArray();

        var status = await RawCall.ClientStreamingAsync(Server.Channel(certificate), Service, "PushSandboxLogs", good, [0x0A, 0x02, 0xC3, 0x28]);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        var events = EventsFor(certificate);
        Assert.Equal(["OK", "InvalidArgument"], events.Select(e => e.GetProperty("status").GetString()));
        var lines = await SandboxIsolationTests.ReadAllAsync(Server.Client(certificate).GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
        Assert.Equal("first", Assert.Single(lines).Message);
    }

    [Fact]
    public async Task BadBody_HealthCheckFromOperator_InvalidArgument()
    {
        var certificate = Server.Pki.Operator(TestServer.ViewerName);

        var status = await RawCall.UnaryAsync(Server.Channel(certificate), "grpc.health.v1.Health", "Check", [0x0A, 0x02, 0xC3, 0x28]);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
    }

    public static TheoryData<string> RefusedCallers => new() { "wrong-trust-domain", "two-uri-sans", "unlisted-operator", "deleted-sandbox", "operator-only-rpc" };

    [Theory]
    [MemberData(nameof(RefusedCallers))]
    public async Task BadBody_FromRefusedCaller_DesignedStatusOneAuditEventNothingParsed(string who)
    {
        var id = await Server.CreateUniqueSandboxAsync("parse", "p");
        var (certificate, method, expected) = await RefusedAsync(who, id);
        var errorsBefore = ErrorLines();

        foreach (var (_, body) in BadBodies.Select(row => ((string)row[0], (byte[])row[1])))
        {
            var status = await RawCall.UnaryAsync(Server.Channel(certificate), Service, method, body);
            Assert.Equal(expected, status.StatusCode);
        }

        var events = EventsFor(certificate);
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal(expected.ToString(), e.GetProperty("status").GetString()));
        Assert.Equal(errorsBefore, ErrorLines());
        // Refused before the body was read: the parse guard never saw these bodies.
        Assert.DoesNotContain(Server.Logs.Lines, line => line.Contains("did not parse", StringComparison.Ordinal) && line.Contains(id, StringComparison.Ordinal));
    }

    private async Task<(X509Certificate2 Certificate, string Method, StatusCode Expected)> RefusedAsync(string who, string id)
    {
        switch (who)
        {
            case "wrong-trust-domain":
                return (Server.Pki.Custom(new LeafCertificateSpec { UriSans = [SpiffeIds.ForSandbox("evil.test", id)] }), "GetSandboxPolicy", StatusCode.Unauthenticated);
            case "two-uri-sans":
                return (Server.Pki.Custom(new LeafCertificateSpec { UriSans = [SpiffeIds.ForSandbox(TestPki.TrustDomain, id), SpiffeIds.ForSandbox(TestPki.TrustDomain, "other")] }), "GetSandboxPolicy", StatusCode.Unauthenticated);
            case "unlisted-operator":
                return (Server.Pki.Operator("stranger-" + id), "ListSandboxes", StatusCode.PermissionDenied);
            case "deleted-sandbox":
                var certificate = await Server.SandboxCertificateAsync(id);
                await Server.Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });
                return (certificate, "GetSandboxPolicy", StatusCode.Unauthenticated);
            default:
                return (await Server.SandboxCertificateAsync(id), "ListSandboxes", StatusCode.PermissionDenied);
        }
    }

    private List<JsonElement> EventsFor(X509Certificate2 certificate) =>
        [.. Server.AuditEvents().Where(e => e.GetProperty("certificateSerial").GetString() == certificate.SerialNumber)];

    private int ErrorLines() => Server.Logs.Lines.Count(line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal));
}
