namespace SandboxControl.Client.Policies;

/// <summary>The state of a policy version as the server records it.</summary>
public enum PolicyState
{
    /// <summary>Not reported.</summary>
    Unspecified = 0,

    /// <summary>Written, not yet reported by the sandbox.</summary>
    Pending = 1,

    /// <summary>The sandbox enforces this version.</summary>
    Loaded = 2,

    /// <summary>The sandbox could not load it; the last loaded version stays active.</summary>
    Failed = 3,

    /// <summary>A later version replaced it.</summary>
    Superseded = 4,
}
