using System.CommandLine;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary><c>certs ...</c>: offline PKI work on local files with the SandboxControl.Pki library; never connects.</summary>
internal static class CertsCommands
{
    public static Command Create(CommandRunner runner)
    {
        var certs = new Command("certs", "Create CAs and certificates, make CSRs and revoke serials (local files only).");
        certs.Subcommands.Add(InitCaCommand.Create(runner));
        certs.Subcommands.Add(IssueCommands.Sandbox(runner));
        certs.Subcommands.Add(IssueCommands.Operator(runner));
        certs.Subcommands.Add(IssueCommands.Server(runner));
        certs.Subcommands.Add(RequestCommand.Create(runner));
        certs.Subcommands.Add(RevokeCommand.Create(runner));
        return certs;
    }
}
