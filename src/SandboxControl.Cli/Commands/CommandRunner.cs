using System.CommandLine;
using Grpc.Core;
using SandboxControl.Cli.Connection;
using SandboxControl.Cli.Input;
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

    /// <summary>
    /// An online command that can also run with <c>--watch</c>: repeated every <c>--interval</c> until Ctrl+C, each
    /// round with its own <c>--timeout</c> deadline (like <c>kubectl get -w</c>, but by polling).
    /// </summary>
    public void SetWatchableOnlineAction(Command command, Func<CommandContext, CancellationToken, Task<int>> body)
    {
        var watch = new Option<bool>("--watch", "-w") { Description = "Print again every --interval until Ctrl+C." };
        var interval = new Option<string>("--interval")
        {
            Description = "Time between rounds with --watch, e.g. 2s.",
            DefaultValueFactory = _ => "2s",
            HelpName = "DURATION",
        };
        command.Options.Add(watch);
        command.Options.Add(interval);
        SetOnlineAction(command, async (context, cancellationToken) =>
        {
            if (!context.Get(watch))
            {
                return await body(context, cancellationToken);
            }

            var text = context.Get(interval);
            if (!Durations.TryParse(text, out var pause) || pause <= TimeSpan.Zero)
            {
                throw new UsageException($"--interval '{TextSanitizer.Clean(text)}' is not a duration like 500ms, 2s or 1m.");
            }

            return await WatchAsync(context, body, pause);
        });
    }

    /// <summary>A command that works on local files only.</summary>
    public void SetOfflineAction(Command command, Func<CommandContext, CancellationToken, Task<int>> body) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, body, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, Func<CommandContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        using var context = new CommandContext(parseResult, console, globalOptions) { UntilStopped = cancellationToken };
        var timeoutText = parseResult.GetValue(globalOptions.Timeout) ?? "";
        if (!Durations.TryParse(timeoutText, out var timeout) || timeout <= TimeSpan.Zero)
        {
            return await FailAsync(ExitCodes.Usage, $"error: --timeout '{TextSanitizer.Clean(timeoutText)}' is not a duration like 500ms, 10s, 2m or 1h.");
        }

        // The default deadline: a server that accepts TCP and never answers must not hang a script.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await body(context, deadline.Token);
        }
        catch (Exception exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested && IsCancellation(exception))
        {
            return await FailAsync(ExitCodes.CannotConnect, NoAnswer(context, timeoutText));
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

    private async Task<int> WatchAsync(CommandContext context, Func<CommandContext, CancellationToken, Task<int>> body, TimeSpan pause)
    {
        var stopped = context.UntilStopped;
        var timeout = Durations.TryParse(context.ParseResult.GetValue(globalOptions.Timeout), out var parsed) ? parsed : TimeSpan.FromSeconds(30);
        try
        {
            for (var round = 0; ; round++)
            {
                if (round > 0)
                {
                    await context.Out.WriteLineAsync();
                }

                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopped);
                deadline.CancelAfter(timeout);
                int exitCode;
                try
                {
                    exitCode = await body(context, deadline.Token);
                }
                catch (Exception exception) when (deadline.IsCancellationRequested && !stopped.IsCancellationRequested && IsCancellation(exception))
                {
                    throw new CannotConnectException(NoAnswer(context, context.ParseResult.GetValue(globalOptions.Timeout) ?? ""));
                }

                await context.Out.FlushAsync(stopped);
                if (exitCode != ExitCodes.Success)
                {
                    return exitCode;
                }

                await Task.Delay(pause, context.Time, stopped);
            }
        }
        catch (Exception exception) when (stopped.IsCancellationRequested && IsCancellation(exception))
        {
            // Ctrl+C ends a watch normally.
            return ExitCodes.Success;
        }
    }

    private static string NoAnswer(CommandContext context, string timeoutText)
    {
        var server = context.Connection?.Settings.Server.ToString().TrimEnd('/') ?? "the server";
        return $"error: no answer from {server} within {timeoutText} (--timeout); the server may be overloaded, or the address is not a SandboxControl server.";
    }

    private static bool IsCancellation(Exception exception) =>
        exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled or StatusCode.DeadlineExceeded };

    private async Task<int> FailAsync(int exitCode, string message)
    {
        await console.Error.WriteLineAsync(message);
        return exitCode;
    }
}
