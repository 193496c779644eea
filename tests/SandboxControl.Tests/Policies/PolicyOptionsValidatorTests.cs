using SandboxControl.Server.Policies;
using SandboxControl.Tests.Pki;
using Xunit;

namespace SandboxControl.Tests.Policies;

public sealed class PolicyOptionsValidatorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void Validate_ExampleSchemaAndValidDefault_Succeeds()
    {
        var options = new PolicyOptions
        {
            Format = "yaml",
            SchemaPath = PolicyExamples.SchemaPath,
            DefaultPath = Path.Combine(PolicyExamples.Directory, "valid", "offline.yaml"),
        };

        Assert.True(new PolicyOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("{ \"type\": ", "is not a JSON Schema: policy document is not valid JSON: line 1")]
    [InlineData("{ \"type\": 5 }", "is not a valid JSON Schema (draft 2020-12)")]
    [InlineData("{ \"minimum\": \"ten\" }", "is not a valid JSON Schema (draft 2020-12)")]
    public void Validate_BrokenSchema_FailsNamingFile(string schema, string expected)
    {
        var path = _directory.File("schema.json");
        File.WriteAllText(path, schema);

        var result = new PolicyOptionsValidator().Validate(null, new PolicyOptions { Format = "json", SchemaPath = path });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"Policy:SchemaPath file '{path}' ", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
    }

    [Fact]
    public void Validate_DefaultViolatingSchema_FailsWithPath()
    {
        var options = new PolicyOptions
        {
            Format = "yaml",
            SchemaPath = PolicyExamples.SchemaPath,
            DefaultPath = Path.Combine(PolicyExamples.Directory, "invalid", "write-root.yaml"),
        };

        var failure = Assert.Single(new PolicyOptionsValidator().Validate(null, options).Failures!);

        Assert.Contains("Policy:DefaultPath file", failure, StringComparison.Ordinal);
        Assert.Contains("/filesystem/write/0:", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingFilesAndSchemaWithOpaque_Fail()
    {
        var missing = new PolicyOptions { Format = "yaml", SchemaPath = _directory.File("absent.json") };
        var opaque = new PolicyOptions { Format = "opaque", SchemaPath = PolicyExamples.SchemaPath };
        var noDefault = new PolicyOptions { DefaultPath = _directory.File("absent.yaml") };

        Assert.Contains("does not exist", Assert.Single(new PolicyOptionsValidator().Validate(null, missing).Failures!), StringComparison.Ordinal);
        Assert.Contains("needs Policy:Format json or yaml", Assert.Single(new PolicyOptionsValidator().Validate(null, opaque).Failures!), StringComparison.Ordinal);
        Assert.Contains("cannot be read", Assert.Single(new PolicyOptionsValidator().Validate(null, noDefault).Failures!), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
