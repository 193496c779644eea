using SandboxControl.Server.Authorization;

namespace SandboxControl.Server.RequestParsing;

/// <summary>
/// Carries the gated call down to the request deserializer, which grpc-dotnet runs without access to the
/// HttpContext: the middleware sets it before the endpoint runs, the deserializer flags a body that does
/// not parse, and the middleware audits that once after the call ends.
/// </summary>
internal static class RequestBodyScope
{
    private static readonly AsyncLocal<GatedCall?> CurrentCall = new();

    public static GatedCall? Current
    {
        get => CurrentCall.Value;
        set => CurrentCall.Value = value;
    }
}
