using System.CommandLine;
using SandboxControl.Cli.Input;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>env set ID --file F|-</c>: replace a sandbox's provider credentials.</summary>
/// <remarks>
/// Values come only from a file or standard input, never from arguments: arguments end up in shell history
/// and in every user's view of the process list. Only the count is printed back.
/// </remarks>
internal static class EnvCommands
{
    public static Command Create(CommandRunner runner)
    {
        var env = new Command("env", "Manage sandbox provider credentials (write-only).");
        env.Subcommands.Add(Set(runner));
        return env;
    }

    private static Command Set(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var file = CommonArguments.InputFile("KEY=VALUE lines (dotenv style, # comments).", required: true);
        var command = new Command("set", "Replace the whole credential environment of a sandbox.") { id, file };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var text = await InputText.ReadAsync(context.Console, context.Get(file), "credentials", cancellationToken);
            var request = new SetSandboxProviderEnvironmentRequest { SandboxId = context.Get(id) };
            request.Variables.Add(DotEnvParser.Parse(text));
            var response = await context.Client().SetSandboxProviderEnvironmentAsync(request, cancellationToken: cancellationToken);
            await context.WriteFieldsAsync(
                new ResultField("sandbox", "sandboxId", request.SandboxId),
                new ResultField("variables set", "variableCount", response.VariableCount));
            return ExitCodes.Success;
        });
        return command;
    }
}
