using System.CommandLine;
using SandboxControl.Cli.Completion;
using SandboxControl.Cli.Input;

namespace SandboxControl.Cli.Commands;

/// <summary><c>completion bash|zsh|fish</c>: prints a completion script generated from this very command tree.</summary>
internal static class CompletionCommand
{
    public static Command Create(CommandRunner runner)
    {
        var shell = Choices.Restrict(new Argument<string>("SHELL") { Description = "The shell to complete in." }, "bash", "zsh", "fish");
        var command = new Command("completion", """
            Print a shell completion script (commands, subcommands, options and their fixed values).

            Examples:
              source <(sandboxctl completion bash)
              sandboxctl completion bash > ~/.local/share/bash-completion/completions/sandboxctl
              echo 'source <(sandboxctl completion zsh)' >> ~/.zshrc
              sandboxctl completion fish > ~/.config/fish/completions/sandboxctl.fish
            """) { shell };
        runner.SetOfflineAction(command, async (context, _) =>
        {
            var tree = CompletionTree.From(context.ParseResult.RootCommandResult.Command);
            await context.Out.WriteAsync(context.Get(shell) switch
            {
                "zsh" => ZshCompletion.Script(tree),
                "fish" => FishCompletion.Script(tree),
                _ => BashCompletion.Script(tree),
            });
            return ExitCodes.Success;
        });
        return command;
    }
}
