using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Policies;

/// <summary>The schema file is re-read when it changes; a broken new version is refused and the old one stays.</summary>
public sealed class PolicySchemaReloadTests : IAsyncLifetime
{
    private const string Strict = """{ "type": "object", "required": ["owner"] }""";
    private const string Lenient = """{ "type": "object" }""";

    private TestServer? _server;

    private TestPki Pki { get; } = new();

    private TempDirectory Data { get; } = new("policy-reload");

    private string SchemaPath => Data.Combine("schema.json");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(SchemaPath, Strict);
        _server = await TestServer.StartAsync(Pki, Data.Path, new Dictionary<string, string>
        {
            ["Policy:Format"] = "json",
            ["Policy:SchemaPath"] = SchemaPath,
            ["Policy:SchemaPollInterval"] = "00:00:00.050",
        });
    }

    [Fact]
    public async Task SchemaFile_ChangedThenBroken_NewRulesThenKeptAndRefusalLogged()
    {
        var admin = _server!.Admin;
        var request = new ValidateSandboxPolicyRequest { SandboxId = "reload", Document = """{ "name": "x" }""" };
        var before = await Assert.ThrowsAsync<RpcException>(() => admin.ValidateSandboxPolicyAsync(request).ResponseAsync);

        await File.WriteAllTextAsync(SchemaPath, Lenient);
        await WaitUntilAsync(async () => await StatusAsync(admin, request) == StatusCode.OK);
        await File.WriteAllTextAsync(SchemaPath, "{ \"type\": ");
        await WaitUntilAsync(() => Task.FromResult(_server.Logs.AllText.Contains("changed but was refused", StringComparison.Ordinal)));

        Assert.Equal(StatusCode.InvalidArgument, before.StatusCode);
        Assert.Contains("/: Required properties [\"owner\"] are not present", before.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.OK, await StatusAsync(admin, request));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Data.Dispose();
        Pki.Dispose();
    }

    private static async Task<StatusCode> StatusAsync(SandboxControl.V1.SandboxControl.SandboxControlClient client, ValidateSandboxPolicyRequest request)
    {
        try
        {
            await client.ValidateSandboxPolicyAsync(request);
            return StatusCode.OK;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not reached within 10 s");
            await Task.Delay(20);
        }
    }
}
