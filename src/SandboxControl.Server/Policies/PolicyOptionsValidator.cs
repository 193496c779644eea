using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Policies;

/// <summary>Loads the schema and checks the default policy before the port opens: a broken one stops the start.</summary>
internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        List<string> failures = [];
        if (options.Format is not { } format || !new[] { "opaque", "json", "yaml" }.Contains(format, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add("Policy:Format must be opaque, json or yaml.");
        }

        if (options.SchemaPollInterval <= TimeSpan.Zero)
        {
            failures.Add("Policy:SchemaPollInterval must be positive.");
        }

        PolicySchema? schema = null;
        if (options.SchemaPath is { Length: > 0 } schemaPath)
        {
            if (options.ParsedFormat == PolicyFormat.Opaque)
            {
                failures.Add("Policy:SchemaPath needs Policy:Format json or yaml (an opaque document cannot be checked against a schema).");
            }
            else if (!File.Exists(schemaPath))
            {
                failures.Add($"Policy:SchemaPath file '{schemaPath}' does not exist.");
            }
            else if ((schema = PolicySchema.Load(schemaPath, out var problem)) is null)
            {
                failures.Add(problem + ".");
            }
        }

        if (options.DefaultPath is { Length: > 0 } defaultPath && failures.Count == 0)
        {
            CheckDefault(options, schema, defaultPath, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckDefault(PolicyOptions options, PolicySchema? schema, string path, List<string> failures)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            failures.Add($"Policy:DefaultPath file '{path}' cannot be read: {exception.Message}");
            return;
        }

        if (PolicyValidator.Problem(options.ParsedFormat, schema, text) is { } problem)
        {
            failures.Add($"Policy:DefaultPath file '{path}' is refused: {problem}.");
        }
    }
}
