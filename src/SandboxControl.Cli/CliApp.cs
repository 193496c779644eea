using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using SandboxControl.Cli.Commands;
using SandboxControl.Cli.Output;

namespace SandboxControl.Cli;

/// <summary>The <c>sandboxctl</c> command line: parses arguments, runs one command and returns its exit code.</summary>
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "Entry point for in-process tests.")]
public static class CliApp
{
    /// <summary>Runs one <c>sandboxctl</c> invocation.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="console">Streams, environment and directories to use.</param>
    /// <param name="cancellationToken">Ends the command (Ctrl+C); <c>logs --follow</c> then exits 0.</param>
    /// <returns>0 success, 1 the server refused, 2 usage error, 3 cannot connect.</returns>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var root = RootCommandFactory.Create(console);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            if (UnknownCommand(parseResult) is { } unknown)
            {
                // One line for a mistyped subcommand, not one per token the parser could not place.
                await console.Error.WriteLineAsync("error: " + unknown);
                await console.Error.WriteLineAsync("Run 'sandboxctl --help' for usage.");
                return ExitCodes.Usage;
            }

            foreach (var error in parseResult.Errors)
            {
                await console.Error.WriteLineAsync("error: " + TextSanitizer.CleanMultiline(error.Message));
            }

            await console.Error.WriteLineAsync("Run 'sandboxctl --help' for usage.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // Commands map their own failures to exit codes; anything else is a bug and should show its stack.
            EnableDefaultExceptionHandler = false,
            // Program.cs handles Ctrl+C and passes the token; in-process callers must not get signal handlers.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }

    private static string? UnknownCommand(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var names = command.Subcommands.Where(subcommand => !subcommand.Hidden).Select(subcommand => subcommand.Name).ToList();
        if (names.Count == 0 || parseResult.UnmatchedTokens.Count == 0 || parseResult.UnmatchedTokens[0].StartsWith('-'))
        {
            return null;
        }

        var typed = TextSanitizer.Clean(parseResult.UnmatchedTokens[0]);
        var path = string.Join(' ', parseResult.CommandResult.Command is RootCommand ? ["sandboxctl"] : ["sandboxctl", .. CommandPath(parseResult.CommandResult)]);
        return $"unknown command '{typed}' for '{path}'{Input.Suggestions.DidYouMean(typed, names)} (commands: {string.Join(", ", names)})";
    }

    private static Stack<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var current = result; current is not null && current.Command is not RootCommand; current = current.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(current.Command.Name);
        }

        return names;
    }
}
