namespace SandboxControl.Server.Authorization;

/// <summary>Thrown at startup when an RPC has no usable access rule; the server does not start.</summary>
public sealed class AccessRuleException : Exception
{
    public AccessRuleException()
    {
        Problems = [];
    }

    public AccessRuleException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public AccessRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    internal AccessRuleException(IReadOnlyList<string> problems)
        : base("Refusing to start: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    /// <summary>One line per RPC without a usable rule.</summary>
    public IReadOnlyList<string> Problems { get; }
}
