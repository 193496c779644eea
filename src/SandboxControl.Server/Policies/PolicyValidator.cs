using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Policies;

/// <summary>
/// Checks policy documents against the configured format and schema, at every entry point (create, update,
/// validate) and for the default policy. Holds the schema in force; <see cref="ReloadSchema"/> swaps it.
/// </summary>
internal sealed class PolicyValidator
{
    private readonly PolicyOptions _options;
    private readonly ILogger<PolicyValidator> _logger;
    private volatile PolicySchema? _schema;

    public PolicyValidator(IOptions<PolicyOptions> options, ILogger<PolicyValidator> logger)
    {
        _options = options.Value;
        _logger = logger;
        if (_options.ParsedFormat != PolicyFormat.Opaque && _options.SchemaPath is { Length: > 0 } path)
        {
            // The options validator already loaded it at start; failing here means it broke in between.
            _schema = PolicySchema.Load(path, out var problem) ?? throw new InvalidOperationException(problem);
        }

        DefaultDocument = _options.DefaultPath is { Length: > 0 } defaultPath ? File.ReadAllText(defaultPath) : null;
    }

    public PolicyFormat Format => _options.ParsedFormat;

    /// <summary>The document a sandbox created without one gets as version 1; null when none is configured.</summary>
    public string? DefaultDocument { get; }

    /// <summary>Checks one document: not empty, no control characters, and in json/yaml mode parses and satisfies the schema.</summary>
    public PolicyCheck Check(string document) => new(Problem(_options.ParsedFormat, _schema, document));

    /// <summary>The same check, with an explicit format and schema (the options validator runs it before the server exists).</summary>
    public static string? Problem(PolicyFormat format, PolicySchema? schema, string document)
    {
        if (string.IsNullOrWhiteSpace(document))
        {
            return "policy document must not be empty";
        }

        if (ControlCharacter(document) is { } position)
        {
            return $"policy document is not text: control character at line {position.Line}, column {position.Column}";
        }

        string? syntax = null;
        var parsed = format switch
        {
            PolicyFormat.Json => JsonPolicyParser.Parse(document, out syntax),
            PolicyFormat.Yaml => YamlPolicyParser.Parse(document, out syntax),
            _ => null,
        };
        return syntax ?? (parsed is { } element ? schema?.Check(element) : null);
    }

    /// <summary>Re-reads the schema file if its content changed. A broken new schema is refused and the previous one stays.</summary>
    public void ReloadSchema()
    {
        if (_options.ParsedFormat == PolicyFormat.Opaque || _options.SchemaPath is not { Length: > 0 } path)
        {
            return;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.SchemaReloadRefused(_logger, path, exception.Message);
            return;
        }

        if (PolicySchema.ContentHashOf(text) == _schema?.ContentHash)
        {
            return;
        }

        if (PolicySchema.Load(path, out var problem) is { } schema)
        {
            _schema = schema;
            Log.SchemaReloaded(_logger, path);
        }
        else
        {
            Log.SchemaReloadRefused(_logger, path, problem!);
        }
    }

    private static (int Line, int Column)? ControlCharacter(string document)
    {
        var line = 1;
        var column = 1;
        foreach (var character in document)
        {
            if (character == '\n')
            {
                line++;
                column = 1;
                continue;
            }

            // Tab and CR are ordinary in text files; any other C0/C1 control (NUL above all) means binary or mangled input.
            if (char.IsControl(character) && character is not ('\t' or '\r'))
            {
                return (line, column);
            }

            column++;
        }

        return null;
    }
}
