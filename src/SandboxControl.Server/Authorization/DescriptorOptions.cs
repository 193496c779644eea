using Google.Protobuf;
using Google.Protobuf.Reflection;
using SandboxControl.V1;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// Reads our custom options from descriptors. Options are re-parsed with a registry of only our own
/// extensions: when another assembly in the process compiled the same .proto (a client, a test),
/// the cached option value can be that assembly's type, and a typed GetExtension would throw.
/// </summary>
internal static class DescriptorOptions
{
    private static readonly MessageParser<Google.Protobuf.Reflection.MethodOptions> MethodOptionsParser =
        Google.Protobuf.Reflection.MethodOptions.Parser.WithExtensionRegistry([AccessExtensions.Access]);

    private static readonly MessageParser<FieldOptions> FieldOptionsParser =
        FieldOptions.Parser.WithExtensionRegistry([AccessExtensions.Secret]);

    public static AccessRule? GetAccessRule(MethodDescriptor method) =>
        method.GetOptions() is { } options
            ? MethodOptionsParser.ParseFrom(options.ToByteString()).GetExtension(AccessExtensions.Access)
            : null;

    public static bool IsSecret(FieldDescriptor field) =>
        field.GetOptions() is { } options && FieldOptionsParser.ParseFrom(options.ToByteString()).GetExtension(AccessExtensions.Secret);
}
