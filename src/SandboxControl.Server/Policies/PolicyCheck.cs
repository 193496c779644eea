namespace SandboxControl.Server.Policies;

/// <summary>The outcome of checking one document: <see cref="Problem"/> is null when it is acceptable.</summary>
internal sealed record PolicyCheck(string? Problem)
{
    public static PolicyCheck Valid { get; } = new((string?)null);

    public bool IsValid => Problem is null;
}
