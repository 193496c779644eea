using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SandboxControl.Server.Policies;

/// <summary>
/// Parses one YAML document into the JSON value a schema is checked against (YAML 1.2 core schema for plain scalars).
/// Anchors and aliases are refused: a few aliased lines can expand to gigabytes ("billion laughs").
/// </summary>
internal static partial class YamlPolicyParser
{
    private const int MaxNodes = 100_000;
    private const string StringTag = "tag:yaml.org,2002:str";

    public static JsonElement? Parse(string text, out string? problem)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            problem = At(exception.Start, Reason(exception.Message));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up without a position on some unterminated constructs.
            problem = "policy document is not valid YAML: unterminated flow collection or scalar";
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            problem = $"policy document must be exactly one YAML document, found {stream.Documents.Count}";
            return null;
        }

        var converter = new Converter();
        var node = converter.Convert(stream.Documents[0].RootNode, 0);
        if (converter.Problem is not null)
        {
            problem = converter.Problem;
            return null;
        }

        problem = null;
        using var document = JsonDocument.Parse(node?.ToJsonString() ?? "null");
        return document.RootElement.Clone();
    }

    private static string At(Mark mark, string reason) =>
        string.Create(CultureInfo.InvariantCulture, $"policy document is not valid YAML: line {mark.Line}, column {mark.Column}: {reason}");

    // YamlDotNet prefixes "(Line: 1, Col: 2, Idx: 1) - (Line: …): "; the position is reported our way instead.
    private static string Reason(string message) => PositionPrefix().Replace(message, string.Empty).TrimEnd('.', ' ');

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    private sealed class Converter
    {
        private readonly HashSet<YamlNode> _seen = new(ReferenceEqualityComparer.Instance);

        public string? Problem { get; private set; }

        public JsonNode? Convert(YamlNode node, int depth)
        {
            if (Problem is not null)
            {
                return null;
            }

            if (!node.Anchor.IsEmpty || !_seen.Add(node))
            {
                return Fail(node, "anchors and aliases are not allowed");
            }

            if (depth > JsonPolicyParser.MaxDepth)
            {
                return Fail(node, $"nested deeper than {JsonPolicyParser.MaxDepth} levels");
            }

            if (_seen.Count > MaxNodes)
            {
                return Fail(node, $"more than {MaxNodes} nodes");
            }

            return node switch
            {
                YamlMappingNode mapping => Mapping(mapping, depth),
                YamlSequenceNode sequence => Sequence(sequence, depth),
                YamlScalarNode scalar => Scalar(scalar),
                _ => Fail(node, "unsupported YAML node"),
            };
        }

        private JsonObject? Mapping(YamlMappingNode mapping, int depth)
        {
            var result = new JsonObject();
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key })
                {
                    Fail(keyNode, "mapping keys must be plain strings");
                    return null;
                }

                if (result.ContainsKey(key))
                {
                    Fail(keyNode, $"duplicate key '{key}'");
                    return null;
                }

                _seen.Add(keyNode);
                result[key] = Convert(valueNode, depth + 1);
            }

            return result;
        }

        private JsonArray Sequence(YamlSequenceNode sequence, int depth)
        {
            var result = new JsonArray();
            foreach (var item in sequence.Children)
            {
                result.Add(Convert(item, depth + 1));
            }

            return result;
        }

        private static JsonValue? Scalar(YamlScalarNode scalar)
        {
            var value = scalar.Value ?? string.Empty;
            if (scalar.Style != ScalarStyle.Plain || scalar.Tag is { IsEmpty: false, IsNonSpecific: false, Value: StringTag })
            {
                return JsonValue.Create(value);
            }

            return value switch
            {
                "" or "~" or "null" or "Null" or "NULL" => null,
                "true" or "True" or "TRUE" => JsonValue.Create(true),
                "false" or "False" or "FALSE" => JsonValue.Create(false),
                _ when Integer().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
                _ when Float().IsMatch(value) && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => JsonValue.Create(real),
                _ => JsonValue.Create(value),
            };
        }

        private JsonNode? Fail(YamlNode node, string reason)
        {
            Problem ??= At(node.Start, reason);
            return null;
        }
    }
}
