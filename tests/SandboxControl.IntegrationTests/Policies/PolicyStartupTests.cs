using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Policies;

/// <summary>A broken schema or default policy stops the server before the port opens: one line, exit 2.</summary>
public sealed class PolicyStartupTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("policy-startup");

    [Fact]
    public async Task BrokenSchema_ExitsWithOneLine()
    {
        var schema = _data.Combine("schema.json");
        await File.WriteAllTextAsync(schema, "{ \"type\": \"object\", \"properties\": { \"a\": { \"minimum\": \"ten\" } } }");

        await AssertRefusedAsync(
            new() { ["Policy:Format"] = "yaml", ["Policy:SchemaPath"] = schema },
            $"Policy:SchemaPath file '{schema}' is not a valid JSON Schema (draft 2020-12): /properties/a/minimum:");
    }

    [Fact]
    public async Task DefaultPolicyViolatingSchema_ExitsWithOneLine() =>
        await AssertRefusedAsync(
            new()
            {
                ["Policy:Format"] = "yaml",
                ["Policy:SchemaPath"] = PolicyExamples.SchemaPath,
                ["Policy:DefaultPath"] = PolicyExamples.PathOf("invalid/write-root.yaml"),
            },
            "is refused: policy document violates the schema: /filesystem/write/0:");

    [Fact]
    public async Task UnknownFormat_ExitsWithOneLine() =>
        await AssertRefusedAsync(new() { ["Policy:Format"] = "xml" }, "Policy:Format");

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private async Task AssertRefusedAsync(Dictionary<string, string> bad, string expected)
    {
        var arguments = await TestServer.ArgumentsAsync(_pki, _data.Path, bad);
        using var server = ServerProcess.Start(arguments, _data.Path);

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var problem = Assert.Single(server.Output.Split('\n'), line => line.Contains("Startup error:", StringComparison.Ordinal));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_data.Combine("store.db")), "the store was opened before the policy configuration was validated");
    }
}
