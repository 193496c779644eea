using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>logs ID [--follow] [--since DURATION|RFC3339]</c>.</summary>
internal static class LogsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep streaming new lines until interrupted (Ctrl+C)." };
        var since = new Option<string?>("--since") { Description = "Only lines from this long ago (15m, 2h, 1d) or since an RFC 3339 time.", HelpName = "DURATION|TIME" };
        var command = new Command("logs", """
            Print a sandbox's log lines: timestamp level source message.

            Examples:
              sandboxctl logs web-1 --since 15m
              sandboxctl logs web-1 --follow
              sandboxctl logs web-1 --since 2024-05-01T12:00:00Z -o json
            """) { id, follow, since };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var request = new GetSandboxLogsRequest { SandboxId = context.Get(id), Follow = context.Get(follow) };
            if (request.Follow)
            {
                // A follow stream runs until Ctrl+C; --timeout would end it mid-stream.
                cancellationToken = context.UntilStopped;
            }

            if (context.Get(since) is { } sinceText)
            {
                request.Since = Timestamp.FromDateTimeOffset(SinceParser.Parse(sinceText, context.Time.GetUtcNow()));
            }

            var client = context.Client();
            var collected = new List<LogLine>();
            using var call = client.GetSandboxLogs(request, cancellationToken: cancellationToken);
            try
            {
                while (await call.ResponseStream.MoveNext(cancellationToken))
                {
                    var line = call.ResponseStream.Current;
                    if (context.Output is OutputFormat.Json or OutputFormat.Yaml && !request.Follow)
                    {
                        collected.Add(line);
                        continue;
                    }

                    await context.Out.WriteLineAsync(context.Output is OutputFormat.Json or OutputFormat.Yaml ? ProtoJson.FormatLine(line) : Format(line));
                    await context.Out.FlushAsync(cancellationToken);
                }
            }
            catch (Exception exception) when (cancellationToken.IsCancellationRequested && IsCancellation(exception))
            {
                // Interrupted on purpose: the normal way to end --follow.
                return ExitCodes.Success;
            }

            if (context.Output is OutputFormat.Json or OutputFormat.Yaml && !request.Follow)
            {
                await context.Out.WriteLineAsync(ProtoJson.FormatArray(collected));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One line per entry; the sandbox wrote source and message, so they are escaped.</summary>
    private static string Format(LogLine line) =>
        string.Join(' ', Timestamps.Format(line.Timestamp), ProtoEnums.Name(line.Level), TextSanitizer.Clean(line.Source), TextSanitizer.Clean(line.Message));

    private static bool IsCancellation(Exception exception) =>
        exception is OperationCanceledException || exception is RpcException { StatusCode: StatusCode.Cancelled };
}
