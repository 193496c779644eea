namespace SandboxControl.Server.Limits;

/// <summary>What <see cref="CallLimiter"/> counts a call as; each kind has its own per-caller cap.</summary>
internal enum CallKind
{
    /// <summary>A unary call: counted from its headers, so a body that arrives slowly holds its place.</summary>
    Unary,

    /// <summary>A PushSandboxLogs stream, even one that never sends.</summary>
    PushStream,

    /// <summary>A server (or duplex) stream: log reads, health Watch, reflection; also counted server-wide.</summary>
    ServerStream,
}
