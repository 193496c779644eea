namespace SandboxControl.Cli;

/// <summary>The process exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The server answered with an error status.</summary>
    public const int ServerRefused = 1;

    /// <summary>Bad or missing arguments, or an unreadable input file.</summary>
    public const int Usage = 2;

    /// <summary>No gRPC conversation took place: configuration, certificate, TLS or network problem.</summary>
    public const int CannotConnect = 3;
}
