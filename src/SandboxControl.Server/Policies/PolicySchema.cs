using System.Globalization;
using System.Text.Json;
using Json.Schema;

namespace SandboxControl.Server.Policies;

/// <summary>A loaded JSON Schema and the content hash it was loaded from (to notice changes).</summary>
internal sealed class PolicySchema
{
    /// <summary>Most violations listed in one error, so the status detail stays a readable size.</summary>
    public const int MaxListedViolations = 20;

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.Hierarchical };

    private readonly JsonSchema _schema;

    private PolicySchema(JsonSchema schema, string contentHash)
    {
        _schema = schema;
        ContentHash = contentHash;
    }

    public string ContentHash { get; }

    /// <summary>Reads and checks the schema file (JSON, valid against the 2020-12 meta-schema). Null with a one-line problem otherwise.</summary>
    public static PolicySchema? Load(string path, out string? problem)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"Policy:SchemaPath file '{path}' cannot be read: {exception.Message}";
            return null;
        }

        if (JsonPolicyParser.Parse(text, out var syntax) is not { } element)
        {
            problem = $"Policy:SchemaPath file '{path}' is not a JSON Schema: {syntax}";
            return null;
        }

        var meta = MetaSchemas.Draft202012.Evaluate(element, Evaluation);
        if (!meta.IsValid)
        {
            problem = $"Policy:SchemaPath file '{path}' is not a valid JSON Schema (draft 2020-12): {Violations(meta)}";
            return null;
        }

        try
        {
            // A registry of its own: reloading a schema with the same $id must not collide with the previous one.
            var schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            problem = null;
            return new PolicySchema(schema, ContentHashOf(text));
        }
        catch (Exception exception) when (exception is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException)
        {
            problem = $"Policy:SchemaPath file '{path}' is not a usable JSON Schema: {exception.Message}";
            return null;
        }
    }

    public static string ContentHashOf(string text) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Null when the document satisfies the schema; otherwise every violation with its JSON Pointer path.</summary>
    public string? Check(JsonElement document)
    {
        var results = _schema.Evaluate(document, Evaluation);
        return results.IsValid ? null : "policy document violates the schema: " + Violations(results);
    }

    // Only failing nodes under failing parents: a pattern that fails inside a passing "not" is no violation.
    private static void Collect(EvaluationResults node, List<string> violations)
    {
        if (node.IsValid)
        {
            return;
        }

        var path = node.InstanceLocation.ToString();
        var where = path.Length == 0 ? "/" : path;
        var children = ((IEnumerable<EvaluationResults>?)node.Details ?? []).Where(child => !child.IsValid).ToList();
        var messages = ((IEnumerable<string>?)node.Errors?.Values ?? []).ToList();
        if (messages.Count == 0 && children.Count == 0)
        {
            // A failing "not" carries no message of its own: name the schema rule, the operator can look it up.
            messages.Add("refused by schema rule " + node.SchemaLocation.Fragment);
        }

        foreach (var line in messages.Select(message => where + ": " + message))
        {
            if (!violations.Contains(line))
            {
                violations.Add(line);
            }
        }

        foreach (var child in children)
        {
            Collect(child, violations);
        }
    }

    private static string Violations(EvaluationResults results)
    {
        var violations = new List<string>();
        Collect(results, violations);
        if (violations.Count == 0)
        {
            return "the document does not match";
        }

        var listed = string.Join("; ", violations.Take(MaxListedViolations));
        return violations.Count > MaxListedViolations
            ? listed + string.Create(CultureInfo.InvariantCulture, $"; and {violations.Count - MaxListedViolations} more")
            : listed;
    }
}
