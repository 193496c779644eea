using System.CommandLine;
using System.Globalization;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;
using SandboxControl.Server.Policies;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>policy diff ID [--from N] [--to M]</c>: unified diff between two stored versions.</summary>
internal static class PolicyDiffCommand
{
    public static Option<string> ColorOption()
    {
        var option = new Option<string>("--color")
        {
            Description = "Colour the diff: auto (on a terminal), always or never.",
            DefaultValueFactory = _ => "auto",
        };
        return Choices.Restrict(option, "auto", "always", "never");
    }

    public static Command Create(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var from = new Option<long?>("--from")
        {
            Description = "Older version (default: the one before --to; 0 = empty document).",
            HelpName = "N",
            CustomParser = WholeNumbers.OptionalParser(0L, long.MaxValue),
        };
        var to = new Option<long?>("--to") { Description = "Newer version (default: the current one).", HelpName = "M", CustomParser = WholeNumbers.OptionalParser(1L, long.MaxValue) };
        var color = ColorOption();
        var command = new Command("diff", """
            Show what changed between two policy versions (unified diff).

            Examples:
              sandboxctl policy diff web-1
              sandboxctl policy diff web-1 --from 2 --to 4 --color never
            """) { id, from, to, color };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var sandboxId = context.Get(id);
            var history = await context.Client().ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = sandboxId }, cancellationToken: cancellationToken);
            if (history.Policies.Count == 0)
            {
                throw new UsageException($"sandbox '{TextSanitizer.Clean(sandboxId)}' has no policy versions to compare.");
            }

            var toVersion = context.Get(to) ?? history.Policies.Max(entry => entry.Policy.Version);
            var fromVersion = context.Get(from) ?? toVersion - 1;
            var newer = Find(history, toVersion, "--to");
            var older = fromVersion == 0 ? string.Empty : Find(history, fromVersion, "--from");
            var diff = UnifiedDiff.Create(older, newer, Label(sandboxId, fromVersion), Label(sandboxId, toVersion));
            if (context.Output == OutputFormat.Json)
            {
                await context.WriteFieldsAsync(
                    new ResultField("sandbox", "sandboxId", sandboxId),
                    new ResultField("from", "fromVersion", fromVersion),
                    new ResultField("to", "toVersion", toVersion),
                    new ResultField("diff", "diff", diff));
            }
            else
            {
                await DiffColors.WriteAsync(context.Out, diff, DiffColors.Enabled(context.Get(color), context.Console));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Find(ListSandboxPoliciesResponse history, long version, string option) =>
        history.Policies.FirstOrDefault(entry => entry.Policy.Version == version)?.Policy.Document
        ?? throw new UsageException($"{option} {version.ToString(CultureInfo.InvariantCulture)}: no such policy version.");

    private static string Label(string sandboxId, long version) =>
        version == 0 ? "(none)" : $"{sandboxId} version {version.ToString(CultureInfo.InvariantCulture)}";
}
