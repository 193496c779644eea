using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>policy rollback ID --to N [--force]</c>: writes version N's document as a new version.</summary>
internal static class PolicyRollbackCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var to = new Option<long>("--to")
        {
            Description = "The version whose document becomes current again.",
            HelpName = "N",
            Required = true,
            CustomParser = WholeNumbers.Parser(1L, long.MaxValue),
        };
        var expectedVersion = new Option<long?>("--expected-version")
        {
            Description = "The current version you expect (default: the current version read just before writing).",
            HelpName = "M",
            CustomParser = WholeNumbers.OptionalParser(0L, long.MaxValue),
        };
        var force = new Option<bool>("--force") { Description = "Roll back even to a version the sandbox reported FAILED." };
        var command = new Command("rollback", """
            Make an earlier version current again, as a new version.

            Examples:
              sandboxctl policy rollback web-1 --to 3
              sandboxctl policy rollback web-1 --to 3 --expected-version 5 --force
            """) { id, to, expectedVersion, force };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var sandboxId = context.Get(id);
            var client = context.Client();
            var history = await client.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = sandboxId }, cancellationToken: cancellationToken);
            var target = history.Policies.FirstOrDefault(entry => entry.Policy.Version == context.Get(to))
                ?? throw new UsageException($"--to {Number(context.Get(to))}: sandbox '{TextSanitizer.Clean(sandboxId)}' has no such policy version.");
            if (target.Status == PolicyStatus.Failed && !context.Get(force))
            {
                await context.Console.Error.WriteLineAsync(
                    $"error: refused: the sandbox reported version {Number(target.Policy.Version)} FAILED; roll back to it anyway with --force.");
                return ExitCodes.ServerRefused;
            }

            var current = history.Policies.Max(entry => entry.Policy.Version);
            var request = new UpdateSandboxPolicyRequest
            {
                SandboxId = sandboxId,
                ExpectedVersion = context.Get(expectedVersion) ?? current,
                Document = target.Policy.Document,
            };
            SandboxPolicy written;
            try
            {
                written = await client.UpdateSandboxPolicyAsync(request, cancellationToken: cancellationToken);
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Aborted)
            {
                await context.Console.Error.WriteLineAsync(
                    CommandRunner.ServerError(exception) + " (someone changed the policy meanwhile; review it and retry)");
                return ExitCodes.ServerRefused;
            }

            await context.WriteFieldsAsync(
                new ResultField("sandbox", "sandboxId", written.SandboxId),
                new ResultField("rolled back to", "rolledBackTo", target.Policy.Version),
                new ResultField("version", "version", written.Version),
                new ResultField("unchanged", "unchanged", written.Unchanged));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
