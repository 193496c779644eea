namespace SandboxControl.Server.Hosting;

/// <summary>
/// A start-up failure a user can fix, already worded as one line per problem (naming the configuration key or
/// file). Any component may throw it while the server starts; Program prints each line and exits 2, no stack trace.
/// </summary>
internal sealed class StartupProblemException : Exception
{
    public StartupProblemException(string problem)
        : this([problem])
    {
    }

    public StartupProblemException(IReadOnlyList<string> problems)
        : base(string.Join("; ", problems))
    {
        Problems = problems;
    }

    public StartupProblemException(string problem, Exception innerException)
        : base(problem, innerException)
    {
        Problems = [problem];
    }

    public StartupProblemException()
        : this("the server could not start")
    {
    }

    public IReadOnlyList<string> Problems { get; }
}
