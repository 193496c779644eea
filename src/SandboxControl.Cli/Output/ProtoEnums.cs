using System.Reflection;
using Google.Protobuf.Reflection;

namespace SandboxControl.Cli.Output;

/// <summary>Enum values by their .proto names (<c>INFO</c>, <c>LOADED</c>), as the JSON output spells them.</summary>
internal static class ProtoEnums
{
    public static string Name<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        return typeof(T).GetField(name)?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? name;
    }
}
