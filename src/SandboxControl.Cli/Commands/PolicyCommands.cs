using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>policy get|set|history|diff|rollback|rollout</c>.</summary>
internal static class PolicyCommands
{
    public static Command Create(CommandRunner runner)
    {
        var policy = new Command("policy", "Read and change sandbox policies.");
        policy.Subcommands.Add(Get(runner));
        policy.Subcommands.Add(Set(runner));
        policy.Subcommands.Add(History(runner));
        policy.Subcommands.Add(PolicyDiffCommand.Create(runner));
        policy.Subcommands.Add(PolicyRollbackCommand.Create(runner));
        policy.Subcommands.Add(PolicyRolloutCommand.Create(runner));
        return policy;
    }

    private static Command Get(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var command = new Command("get", """
            Show the current policy document and its version.

            Examples:
              sandboxctl policy get web-1
              sandboxctl policy get web-1 -o json
            """) { id };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var policy = await context.Client().GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = context.Get(id) }, cancellationToken: cancellationToken);
            await context.WriteAsync(policy, async output =>
            {
                await TableWriter.WritePairsAsync(output,
                [
                    ("sandbox", policy.SandboxId),
                    ("version", Number(policy.Version)),
                    ("created", Timestamps.Format(policy.CreatedAt)),
                    ("created by", policy.CreatedBy),
                ]);
                await output.WriteLineAsync("---");
                await output.WriteLineAsync(TextSanitizer.CleanMultiline(policy.Document).TrimEnd('\n'));
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Set(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var file = CommonArguments.InputFile("The policy document.", required: true);
        var expectedVersion = new Option<long?>("--expected-version")
        {
            Description = "The version you last saw (0 if the sandbox has none); the update is refused if it is stale. Required unless --dry-run.",
            HelpName = "N",
            CustomParser = WholeNumbers.OptionalParser(0L, long.MaxValue),
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Validate the document on the server and show the diff against the current version; write nothing.",
        };
        var color = PolicyDiffCommand.ColorOption();
        var command = new Command("set", """
            Replace the policy; writes version N+1 (nothing if the document is unchanged).

            Examples:
              sandboxctl policy set web-1 -f web-1.yaml --dry-run
              sandboxctl policy set web-1 -f web-1.yaml --expected-version 3
              cat web-1.yaml | sandboxctl policy set web-1 -f - --expected-version 3
            """) { id, file, expectedVersion, dryRun, color };
        command.Validators.Add(result =>
        {
            // GetResult, not GetValue: reading a value that failed to parse ("abc") throws inside the parser.
            if (!result.GetValue(dryRun) && result.GetResult(expectedVersion) is null)
            {
                result.AddError("Option '--expected-version' is required (or use --dry-run).");
            }
        });
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var document = await PolicyText.ReadAsync(context.Console, context.Get(file), cancellationToken);
            if (context.Get(dryRun))
            {
                return await DryRunAsync(context, context.Get(id), document, context.Get(color), cancellationToken);
            }

            var request = new UpdateSandboxPolicyRequest
            {
                SandboxId = context.Get(id),
                ExpectedVersion = context.Get(expectedVersion) ?? 0,
                Document = document,
            };
            var client = context.Client();
            SandboxPolicy policy;
            try
            {
                policy = await client.UpdateSandboxPolicyAsync(request, cancellationToken: cancellationToken);
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Aborted)
            {
                await context.Console.Error.WriteLineAsync(await StaleVersionMessageAsync(client, request, exception, cancellationToken));
                return ExitCodes.ServerRefused;
            }

            await context.WriteAsync(policy, output => TableWriter.WritePairsAsync(output,
            [
                ("sandbox", policy.SandboxId),
                ("version", Number(policy.Version)),
                ("created", Timestamps.Format(policy.CreatedAt)),
                ("result", policy.Unchanged ? "unchanged (identical to the current version; nothing written)" : "written"),
            ]));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> DryRunAsync(CommandContext context, string sandboxId, string document, string color, CancellationToken cancellationToken)
    {
        var check = await context.Client().ValidateSandboxPolicyAsync(
            new ValidateSandboxPolicyRequest { SandboxId = sandboxId, Document = document }, cancellationToken: cancellationToken);
        await context.WriteAsync(check, async output =>
        {
            var outcome = !check.SandboxExists ? "valid; the sandbox does not exist (create it with this document)"
                : check.Unchanged ? $"valid; unchanged (identical to version {Number(check.CurrentVersion)}; set would write nothing)"
                : $"valid; set --expected-version {Number(check.CurrentVersion)} would write version {Number(check.CurrentVersion + 1)}";
            await output.WriteLineAsync("dry run: " + outcome);
            await DiffColors.WriteAsync(output, check.Diff, DiffColors.Enabled(color, context.Console));
        });
        return ExitCodes.Success;
    }

    private static Command History(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var command = new Command("history", """
            List every policy version with its status.

            Examples:
              sandboxctl policy history web-1
            """) { id };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var history = await context.Client().ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = context.Get(id) }, cancellationToken: cancellationToken);
            await context.WriteAsync(history, output => TableWriter.WriteAsync(
                output,
                ["VERSION", "STATUS", "CREATED", "CREATED-BY", "BYTES"],
                history.Policies.Select(entry => (IReadOnlyList<string>)
                [
                    Number(entry.Policy.Version),
                    ProtoEnums.Name(entry.Status),
                    Timestamps.Format(entry.Policy.CreatedAt),
                    entry.Policy.CreatedBy,
                    Number(System.Text.Encoding.UTF8.GetByteCount(entry.Policy.Document)),
                ])));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Names the current version, read back from the server, so the operator knows what to re-read and retry with.</summary>
    private static async Task<string> StaleVersionMessageAsync(
        V1.SandboxControl.SandboxControlClient client, UpdateSandboxPolicyRequest request, RpcException exception, CancellationToken cancellationToken)
    {
        string current;
        try
        {
            var sandbox = await client.GetSandboxAsync(new GetSandboxRequest { SandboxId = request.SandboxId }, cancellationToken: cancellationToken);
            current = Number(sandbox.PolicyVersion);
        }
        catch (RpcException)
        {
            return CommandRunner.ServerError(exception);
        }

        return $"error: Aborted: stale version: --expected-version {Number(request.ExpectedVersion)} but the current policy version of sandbox "
            + $"'{TextSanitizer.Clean(request.SandboxId)}' is {current}. Someone changed it meanwhile: review it with "
            + $"'sandboxctl policy get {TextSanitizer.Clean(request.SandboxId)}', then retry with --expected-version {current}.";
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
