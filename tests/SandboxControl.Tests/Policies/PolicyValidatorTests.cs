using SandboxControl.Server.Policies;
using Xunit;

namespace SandboxControl.Tests.Policies;

public sealed class PolicyValidatorTests
{
    private static readonly PolicySchema Schema = PolicySchema.Load(PolicyExamples.SchemaPath, out _)
        ?? throw new InvalidOperationException("example schema does not load");

    [Theory]
    [InlineData("valid/web-worker.yaml", "Yaml")]
    [InlineData("valid/offline.yaml", "Yaml")]
    [InlineData("valid/data-job.json", "Json")]
    [InlineData("valid/data-job.json", "Yaml")]
    public void Problem_ValidExample_Null(string file, string format) =>
        Assert.Null(PolicyValidator.Problem(Enum.Parse<PolicyFormat>(format), Schema, PolicyExamples.Read(file)));

    [Theory]
    [InlineData("invalid/write-root.yaml", "Yaml", "violates the schema: /filesystem/write/0:")]
    [InlineData("invalid/write-etc.yaml", "Yaml", "violates the schema: /filesystem/write/1:")]
    [InlineData("invalid/dot-dot.yaml", "Yaml", "violates the schema: /filesystem/read/0:")]
    [InlineData("invalid/egress-everything.yaml", "Yaml", "violates the schema: /network/egress/0/host:")]
    [InlineData("invalid/egress-everything.json", "Json", "violates the schema: /network/egress/0/host:")]
    [InlineData("invalid/syntax.yaml", "Yaml", "not valid YAML: line 6, column 14:")]
    [InlineData("invalid/unterminated.yaml", "Yaml", "not valid YAML: ")]
    [InlineData("invalid/syntax.json", "Json", "not valid JSON: line 4, column 36:")]
    [InlineData("invalid/aliases.yaml", "Yaml", "not valid YAML: line 2, column 4: anchors and aliases are not allowed")]
    public void Problem_InvalidExample_NamesWhere(string file, string format, string expected)
    {
        var problem = PolicyValidator.Problem(Enum.Parse<PolicyFormat>(format), Schema, PolicyExamples.Read(file));

        Assert.NotNull(problem);
        Assert.True(problem.Contains(expected, StringComparison.Ordinal), problem);
    }

    [Fact]
    public void Problem_SeveralViolations_ListsEach()
    {
        var document = "version: 2\nnetwork: {egress: [{host: '*', ports: [0]}]}\nfilesystem: {write: [/usr/bin]}\nprocess: {max_processes: 4}\n";

        var problem = PolicyValidator.Problem(PolicyFormat.Yaml, Schema, document)!;

        Assert.Contains("/version:", problem, StringComparison.Ordinal);
        Assert.Contains("/network/egress/0/host:", problem, StringComparison.Ordinal);
        Assert.Contains("/network/egress/0/ports/0:", problem, StringComparison.Ordinal);
        Assert.Contains("/filesystem/write/0:", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Opaque")]
    [InlineData("Json")]
    [InlineData("Yaml")]
    public void Problem_BinaryInput_Refused(string format)
    {
        var problem = PolicyValidator.Problem(Enum.Parse<PolicyFormat>(format), null, "{\"a\":\n \"b\u0000\u0001\"}");

        Assert.Equal("policy document is not text: control character at line 2, column 4", problem);
    }

    [Theory]
    [InlineData("Json", "{\"a\": 1, \"a\": 2}", "not valid JSON: line 1")]
    [InlineData("Yaml", "a: 1\na: 2\n", "not valid YAML: line 2, column 1")]
    [InlineData("Yaml", "a: 1\n---\nb: 2\n", "exactly one YAML document, found 2")]
    public void Problem_Ambiguous_Refused(string format, string document, string expected) =>
        Assert.Contains(expected, PolicyValidator.Problem(Enum.Parse<PolicyFormat>(format), null, document), StringComparison.Ordinal);

    [Fact]
    public void Problem_YamlScalars_TypedLikeJson()
    {
        // Quoted "1" is a string, plain 1 an integer: the schema sees the same types a YAML 1.2 loader would give.
        Assert.Null(PolicyValidator.Problem(PolicyFormat.Yaml, Schema, PolicyExamples.Read("valid/offline.yaml")));
        var quoted = PolicyExamples.Read("valid/offline.yaml").Replace("max_processes: 1", "max_processes: \"1\"", StringComparison.Ordinal);
        Assert.Contains("/process/max_processes:", PolicyValidator.Problem(PolicyFormat.Yaml, Schema, quoted), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_Opaque_AcceptsAnyText() =>
        Assert.Null(PolicyValidator.Problem(PolicyFormat.Opaque, null, "not: [json or yaml"));

    [Fact]
    public void Problem_Whitespace_Refused() =>
        Assert.Equal("policy document must not be empty", PolicyValidator.Problem(PolicyFormat.Yaml, null, " \n\t"));
}
