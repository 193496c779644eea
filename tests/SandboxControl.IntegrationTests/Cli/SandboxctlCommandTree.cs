extern alias cli;

using System.CommandLine;
using CliConsole = cli::SandboxControl.Cli.CliConsole;
using RootCommandFactory = cli::SandboxControl.Cli.Commands.RootCommandFactory;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>sandboxctl's real command tree, walked so that tests cover every command, including ones added later.</summary>
internal static class SandboxctlCommandTree
{
    public static RootCommand Root() =>
        RootCommandFactory.Create(new CliConsole(TextReader.Null, TextWriter.Null, TextWriter.Null, _ => null, Path.GetTempPath(), null));

    /// <summary>Every command that runs something (no subcommands), by its path, e.g. "sandboxes list".</summary>
    public static IEnumerable<(string Path, Command Command)> Leaves() => Walk(Root(), "");

    private static IEnumerable<(string Path, Command Command)> Walk(Command command, string path)
    {
        if (command.Subcommands.Count == 0)
        {
            yield return (path, command);
        }

        foreach (var subcommand in command.Subcommands)
        {
            foreach (var leaf in Walk(subcommand, path.Length == 0 ? subcommand.Name : path + " " + subcommand.Name))
            {
                yield return leaf;
            }
        }
    }
}
