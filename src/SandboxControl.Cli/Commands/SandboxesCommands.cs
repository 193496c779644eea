using System.CommandLine;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>sandboxes list|get|create|delete|issue-cert</c>.</summary>
internal static class SandboxesCommands
{
    private static readonly string[] Headers = ["ID", "CREATED", "POLICY-VERSION", "INCARNATION"];

    public static Command Create(CommandRunner runner)
    {
        var sandboxes = new Command("sandboxes", "List, inspect, create and delete sandboxes.");
        sandboxes.Subcommands.Add(List(runner));
        sandboxes.Subcommands.Add(Get(runner));
        sandboxes.Subcommands.Add(CreateSandbox(runner));
        sandboxes.Subcommands.Add(Delete(runner));
        sandboxes.Subcommands.Add(SandboxCertificateCommand.Create(runner));
        return sandboxes;
    }

    private static Command List(CommandRunner runner)
    {
        var pageSize = new Option<int?>("--page-size")
        {
            Description = "Sandboxes per request (1-1000; default: the server's, 100).",
            HelpName = "N",
            CustomParser = WholeNumbers.OptionalParser(1, 1000),
        };
        var command = new Command("list", """
            List all sandboxes (every page).

            Examples:
              sandboxctl sandboxes list
              sandboxctl sandboxes list -o json
              sandboxctl sandboxes list --watch --interval 5s
            """) { pageSize };
        runner.SetWatchableOnlineAction(command, async (context, cancellationToken) =>
        {
            var client = context.Client();
            var all = new ListSandboxesResponse();
            var request = new ListSandboxesRequest { PageSize = context.Get(pageSize) ?? 0 };
            do
            {
                var page = await client.ListSandboxesAsync(request, cancellationToken: cancellationToken);
                all.Sandboxes.Add(page.Sandboxes);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);

            await context.WriteAsync(all, output => TableWriter.WriteAsync(output, Headers, all.Sandboxes.Select(Row)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var command = new Command("get", """
            Show one sandbox.

            Examples:
              sandboxctl sandboxes get web-1
              sandboxctl sandboxes get web-1 -o yaml
            """) { id };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var sandbox = await context.Client().GetSandboxAsync(new GetSandboxRequest { SandboxId = context.Get(id) }, cancellationToken: cancellationToken);
            await context.WriteAsync(sandbox, output => TableWriter.WriteAsync(output, Headers, [Row(sandbox)]));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateSandbox(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var policyFile = new RenamedOption(CommonArguments.InputFile("First policy document (version 1).", required: false), "--policy-file", required: false);
        var command = new Command("create", """
            Create a sandbox, optionally with its first policy.

            Examples:
              sandboxctl sandboxes create web-1
              sandboxctl sandboxes create web-1 -f web-1.yaml
            """) { id };
        policyFile.AddTo(command);
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var request = new CreateSandboxRequest { SandboxId = context.Get(id) };
            if (policyFile.Get(context) is { } path)
            {
                request.PolicyDocument = await InputText.ReadAsync(context.Console, path, "policy", cancellationToken);
            }

            var sandbox = await context.Client().CreateSandboxAsync(request, cancellationToken: cancellationToken);
            await context.WriteAsync(sandbox, output => TableWriter.WriteAsync(output, Headers, [Row(sandbox)]));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var command = new Command("delete", """
            Delete a sandbox with its policies, credentials and logs.

            Examples:
              sandboxctl sandboxes delete web-1
            """) { id };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var sandboxId = context.Get(id);
            await context.Client().DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = sandboxId }, cancellationToken: cancellationToken);
            await context.WriteFieldsAsync(new ResultField("deleted", "sandboxId", sandboxId));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string[] Row(Sandbox sandbox) =>
        [sandbox.SandboxId, Timestamps.Format(sandbox.CreatedAt), sandbox.PolicyVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), sandbox.Incarnation];
}
