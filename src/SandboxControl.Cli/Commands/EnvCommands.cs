using System.CommandLine;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>env set ID --file F|-</c>, <c>env set ID --clear</c>, <c>env list ID</c>: a sandbox's provider credentials.</summary>
/// <remarks>
/// Values come only from a file or standard input, never from arguments: arguments end up in shell history
/// and in every user's view of the process list. Only counts and names are printed back, never a value.
/// </remarks>
internal static class EnvCommands
{
    public static Command Create(CommandRunner runner)
    {
        var env = new Command("env", "Manage sandbox provider credentials (write-only: names can be listed, values never read back).");
        env.Subcommands.Add(Set(runner));
        env.Subcommands.Add(List(runner));
        return env;
    }

    private static Command Set(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var file = CommonArguments.InputFile("KEY=VALUE lines (dotenv style, # comments); - for standard input.", required: false);
        var clear = new Option<bool>("--clear") { Description = "Remove every credential of the sandbox (instead of --file)." };
        var command = new Command("set", """
            Replace the whole credential environment of a sandbox.

            Examples:
              printf 'API_TOKEN=%s\n' "$API_TOKEN" | sandboxctl env set web-1 -f -
              sandboxctl env set web-1 -f creds.env
              sandboxctl env set web-1 --clear
            """) { id, file, clear };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var path = context.ParseResult.GetValue(file);
            var clearing = context.Get(clear);
            if (clearing == path is not null)
            {
                throw new UsageException("give either --file FILE|- or --clear.");
            }

            var request = new SetSandboxProviderEnvironmentRequest { SandboxId = context.Get(id) };
            if (path is not null)
            {
                var text = await InputText.ReadAsync(context.Console, path, "credentials", cancellationToken);
                request.Variables.Add(DotEnvParser.Parse(text));
                if (request.Variables.Count == 0)
                {
                    // An empty pipe (a typo in a variable name upstream) must not wipe every credential.
                    throw new UsageException($"the input has no KEY=VALUE lines; nothing was changed (to remove every credential of '{request.SandboxId}', use --clear).");
                }
            }

            var response = await context.Client().SetSandboxProviderEnvironmentAsync(request, cancellationToken: cancellationToken);
            await context.WriteFieldsAsync(
                new ResultField("sandbox", "sandboxId", request.SandboxId),
                new ResultField("variables set", "variableCount", response.VariableCount));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var command = new Command("list", """
            List the names of a sandbox's credentials (never their values).

            Examples:
              sandboxctl env list web-1
              sandboxctl env list web-1 -o json
            """) { id };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var response = await context.Client().ListSandboxProviderEnvironmentNamesAsync(
                new ListSandboxProviderEnvironmentNamesRequest { SandboxId = context.Get(id) }, cancellationToken: cancellationToken);
            await context.WriteAsync(response, output => TableWriter.WriteAsync(output, ["NAME"], response.Names.Select(name => (IReadOnlyList<string>)[name])));
            return ExitCodes.Success;
        });
        return command;
    }
}
