using System.Text.Json.Serialization;

namespace SandboxControl.Cli.Output;

[JsonSerializable(typeof(string))]
internal sealed partial class YamlJsonContext : JsonSerializerContext;
