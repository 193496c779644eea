using System.Text.Json;

namespace SandboxControl.Server.Policies;

/// <summary>Parses a JSON policy document, reporting the line and column of the first syntax error.</summary>
internal static class JsonPolicyParser
{
    public const int MaxDepth = 64;

    // Duplicate keys are refused: two parsers (ours and the sandbox's) could each pick a different one.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    public static JsonElement? Parse(string text, out string? problem)
    {
        try
        {
            using var document = JsonDocument.Parse(text, Options);
            problem = null;
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            var line = (exception.LineNumber ?? 0) + 1;
            var column = (exception.BytePositionInLine ?? 0) + 1;
            problem = $"policy document is not valid JSON: line {line}, column {column}: {Reason(exception.Message)}";
            return null;
        }
    }

    // System.Text.Json appends its own "LineNumber: … | BytePositionInLine: …" (zero-based); ours replaces it.
    private static string Reason(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var reason = (cut < 0 ? message : message[..cut]).Trim();
        var path = reason.IndexOf(" Path:", StringComparison.Ordinal);
        return (path < 0 ? reason : reason[..path]).TrimEnd('.', ' ');
    }
}
