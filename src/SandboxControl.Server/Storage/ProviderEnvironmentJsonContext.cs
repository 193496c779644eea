using System.Text.Json.Serialization;

namespace SandboxControl.Server.Storage;

/// <summary>Source-generated JSON for the provider environment (no reflection over secret-bearing types).</summary>
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ProviderEnvironmentJsonContext : JsonSerializerContext;
