using System.CommandLine;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary>
/// <c>certs ...</c>: offline PKI work on local files with the SandboxControl.Pki library, plus <c>list</c> and
/// <c>revoke</c>, which ask the server (revoke works offline on a deny-list file with --deny-list).
/// </summary>
internal static class CertsCommands
{
    public static Command Create(CommandRunner runner)
    {
        var certs = new Command("certs", "Create CAs and certificates and make CSRs (local files); list and revoke the server's sandbox certificates.");
        certs.Subcommands.Add(InitCaCommand.Create(runner));
        certs.Subcommands.Add(IssueCommands.Sandbox(runner));
        certs.Subcommands.Add(IssueCommands.Operator(runner));
        certs.Subcommands.Add(IssueCommands.Server(runner));
        certs.Subcommands.Add(RequestCommand.Create(runner));
        certs.Subcommands.Add(RevokeCommand.Create(runner));
        certs.Subcommands.Add(ListCertificatesCommand.Create(runner));
        return certs;
    }
}
