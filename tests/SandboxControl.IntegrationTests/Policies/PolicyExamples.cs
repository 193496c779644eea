namespace SandboxControl.IntegrationTests.Policies;

/// <summary>The files of examples/policy, copied next to the tests.</summary>
internal static class PolicyExamples
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "PolicyExamples");

    public static string SchemaPath { get; } = Path.Combine(Directory, "sandbox-policy.schema.json");

    public static string PathOf(string relativePath) => Path.Combine(Directory, relativePath);

    public static string Read(string relativePath) => File.ReadAllText(PathOf(relativePath));
}
