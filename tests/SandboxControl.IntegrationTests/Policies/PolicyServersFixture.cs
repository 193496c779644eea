using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Policies;

/// <summary>Three servers on one PKI: Policy:Format yaml and json with the example schema (yaml with a default policy), and opaque.</summary>
public sealed class PolicyServersFixture : IAsyncLifetime
{
    public const string DefaultPolicyFile = "valid/offline.yaml";

    private readonly Dictionary<string, TestServer> _servers = [];

    public TestPki Pki { get; } = new();

    private TempDirectory YamlData { get; } = new("policy-yaml");

    private TempDirectory JsonData { get; } = new("policy-json");

    private TempDirectory OpaqueData { get; } = new("policy-opaque");

    /// <summary>"yaml", "json" or "opaque".</summary>
    public TestServer Server(string format) => _servers[format];

    public async Task InitializeAsync()
    {
        _servers["yaml"] = await TestServer.StartAsync(Pki, YamlData.Path, new Dictionary<string, string>
        {
            ["Policy:Format"] = "yaml",
            ["Policy:SchemaPath"] = PolicyExamples.SchemaPath,
            ["Policy:DefaultPath"] = PolicyExamples.PathOf(DefaultPolicyFile),
        });
        _servers["json"] = await TestServer.StartAsync(Pki, JsonData.Path, new Dictionary<string, string>
        {
            ["Policy:Format"] = "json",
            ["Policy:SchemaPath"] = PolicyExamples.SchemaPath,
        });
        _servers["opaque"] = await TestServer.StartAsync(Pki, OpaqueData.Path);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }

        YamlData.Dispose();
        JsonData.Dispose();
        OpaqueData.Dispose();
        Pki.Dispose();
    }
}
