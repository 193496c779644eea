using SandboxControl.V1;

namespace SandboxControl.Server.Authorization;

/// <summary>What one client-stream message carries that the log-line budget counts (the caller charges at least one).</summary>
internal static class MessageCost
{
    public static int LogLines(object message) => message is PushSandboxLogsRequest push ? push.Lines.Count : 0;
}
