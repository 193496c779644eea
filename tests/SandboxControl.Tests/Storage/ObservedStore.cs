using System.Reflection;
using SandboxControl.Server.Storage;

namespace SandboxControl.Tests.Storage;

/// <summary>
/// Forwards every call to a real store, counting current-policy reads and optionally running a step after such a
/// read returned from the database but before its result is handed back (to interleave a write with a read).
/// </summary>
public class ObservedStore : DispatchProxy
{
    private ISandboxStore _inner = null!;
    private int _policyReads;

    internal Func<Task>? AfterPolicyRead { get; set; }

    internal int PolicyReads => Volatile.Read(ref _policyReads);

    internal static (ISandboxStore Store, ObservedStore Observer) Wrap(ISandboxStore inner)
    {
        var proxy = Create<ISandboxStore, ObservedStore>();
        var observer = (ObservedStore)(object)proxy;
        observer._inner = inner;
        return (proxy, observer);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var result = targetMethod.Invoke(_inner, args);
        if (targetMethod.Name != nameof(ISandboxStore.GetCurrentPolicyAsync))
        {
            return result;
        }

        Interlocked.Increment(ref _policyReads);
        return ThenAsync((Task<PolicyRecord?>)result!);
    }

    private async Task<PolicyRecord?> ThenAsync(Task<PolicyRecord?> read)
    {
        var policy = await read;
        if (AfterPolicyRead is { } step)
        {
            await step();
        }

        return policy;
    }
}
