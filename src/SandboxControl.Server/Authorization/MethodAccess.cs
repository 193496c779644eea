using Google.Protobuf;
using Google.Protobuf.Reflection;
using SandboxControl.V1;

namespace SandboxControl.Server.Authorization;

/// <summary>One RPC's access rule and how to read its target sandbox, resolved once at startup.</summary>
internal sealed class MethodAccess(string fullMethod, string rpcName, AccessRule rule, FieldDescriptor? sandboxIdField)
{
    /// <summary>"/package.Service/Method", as ServerCallContext.Method reports it.</summary>
    public string FullMethod { get; } = fullMethod;

    public string RpcName { get; } = rpcName;

    public SandboxAccess.Types.Level Sandbox { get; } = rule.Sandbox;

    public OperatorAccess.Types.Level Operator { get; } = rule.Operator;

    public bool HasTarget => sandboxIdField is not null;

    /// <summary>The request's sandbox_id, read through the descriptor: no per-RPC code can forget it.</summary>
    public string? ReadTarget(object request) =>
        sandboxIdField is null ? null : (string)sandboxIdField.Accessor.GetValue((IMessage)request);
}
