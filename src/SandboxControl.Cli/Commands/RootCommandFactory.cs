using System.CommandLine;
using SandboxControl.Cli.Commands.Certs;

namespace SandboxControl.Cli.Commands;

/// <summary>Builds the command tree; one per invocation, so in-process runs share no state.</summary>
internal static class RootCommandFactory
{
    public static RootCommand Create(CliConsole console)
    {
        var globalOptions = new GlobalOptions();
        var runner = new CommandRunner(console, globalOptions);
        var root = new RootCommand("sandboxctl: operate a SandboxControl server over mutual TLS.");
        root.Options.Add(globalOptions.Output);
        root.Options.Add(globalOptions.Timeout);
        root.Options.Add(globalOptions.Context);
        // Also before the command (`sandboxctl --server URL sandboxes list`), as with kubectl.
        globalOptions.AddConnectionOptions(root);
        root.Subcommands.Add(SandboxesCommands.Create(runner));
        root.Subcommands.Add(PolicyCommands.Create(runner));
        root.Subcommands.Add(EnvCommands.Create(runner));
        root.Subcommands.Add(LogsCommand.Create(runner));
        root.Subcommands.Add(AuditCommand.Create(runner));
        root.Subcommands.Add(StatusCommand.Create(runner));
        root.Subcommands.Add(CertsCommands.Create(runner));
        root.Subcommands.Add(Apply.ApplyCommand.Create(runner));
        root.Subcommands.Add(WhoAmICommand.Create(runner));
        root.Subcommands.Add(ServerCommands.Create(runner));
        root.Subcommands.Add(ConfigCommands.Create(runner));
        root.Subcommands.Add(CompletionCommand.Create(runner));
        return root;
    }
}
