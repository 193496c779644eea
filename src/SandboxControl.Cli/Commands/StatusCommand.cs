using System.CommandLine;
using System.Globalization;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>status ID</c>: whether the sandbox loaded its newest policy, and which version is in force.</summary>
internal static class StatusCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var command = new Command("status", """
            Show the policy status the sandbox reported.

            Examples:
              sandboxctl status web-1
              sandboxctl status web-1 --watch
            """) { id };
        runner.SetWatchableOnlineAction(command, async (context, cancellationToken) =>
        {
            var report = await context.Client().GetSandboxPolicyStatusAsync(
                new GetSandboxPolicyStatusRequest { SandboxId = context.Get(id) }, cancellationToken: cancellationToken);
            await context.WriteAsync(report, output => TableWriter.WriteAsync(
                output,
                ["SANDBOX", "VERSION", "STATUS", "ACTIVE-VERSION", "REPORTED", "MESSAGE"],
                [[
                    report.SandboxId,
                    report.Version.ToString(CultureInfo.InvariantCulture),
                    ProtoEnums.Name(report.Status),
                    report.ActiveVersion.ToString(CultureInfo.InvariantCulture),
                    Timestamps.Format(report.ReportedAt),
                    report.Message,
                ]]));
            return ExitCodes.Success;
        });
        return command;
    }
}
