using System.CommandLine;
using Grpc.Core;
using SandboxControl.Cli.Connection;
using SandboxControl.Cli.Output;

namespace SandboxControl.Cli.Commands;

/// <summary>Runs a command body and maps its failures to exit codes and one-line messages on stderr.</summary>
internal sealed class CommandRunner(CliConsole console, GlobalOptions globalOptions)
{
    /// <summary>A command that talks to the server: it also gets --server/--ca/--cert/--key.</summary>
    public void SetOnlineAction(Command command, Func<CommandContext, CancellationToken, Task<int>> body)
    {
        globalOptions.AddConnectionOptions(command);
        SetOfflineAction(command, body);
    }

    /// <summary>A command that works on local files only.</summary>
    public void SetOfflineAction(Command command, Func<CommandContext, CancellationToken, Task<int>> body) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, body, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, Func<CommandContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        using var context = new CommandContext(parseResult, console, globalOptions);
        try
        {
            return await body(context, cancellationToken);
        }
        catch (UsageException exception)
        {
            return await FailAsync(ExitCodes.Usage, "error: " + exception.Message);
        }
        catch (CannotConnectException exception)
        {
            return await FailAsync(ExitCodes.CannotConnect, exception.Message);
        }
        catch (RpcException exception) when (context.Connection is { } connection && ConnectionFailureExplainer.IsTransportFailure(exception))
        {
            return await FailAsync(ExitCodes.CannotConnect, ConnectionFailureExplainer.Explain(exception, connection));
        }
        catch (RpcException exception)
        {
            return await FailAsync(ExitCodes.ServerRefused, ServerError(exception));
        }
    }

    /// <summary><c>error: &lt;StatusCode&gt;: &lt;detail&gt;</c>, the detail escaped (it is server-supplied text).</summary>
    public static string ServerError(RpcException exception) =>
        "error: " + exception.StatusCode + ": " + TextSanitizer.Clean(exception.Status.Detail);

    private async Task<int> FailAsync(int exitCode, string message)
    {
        await console.Error.WriteLineAsync(message);
        return exitCode;
    }
}
