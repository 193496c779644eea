using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using SandboxControl.Cli.Output;
using SandboxControl.Pki;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands.Apply;

/// <summary>
/// <c>apply -f DIR|FILE [--dry-run]</c>: declarative policies. Plans every file against the server (validation and
/// current version, writing nothing), prints the plan, then creates or updates with the planned expected version,
/// so a change made meanwhile is refused rather than overwritten. Unchanged files write nothing: safe on every commit.
/// </summary>
internal static class ApplyCommand
{
    public static Command Create(CommandRunner runner)
    {
        var file = new Option<string>("--file", "-f") { Description = "A policy file, or a directory of them (one per sandbox).", HelpName = "DIR|FILE", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan only." };
        var command = new Command("apply", """
            Create or update sandbox policies from files; exit 1 if anything was refused.

            Examples:
              sandboxctl apply -f policies/ --dry-run
              sandboxctl apply -f policies/
              sandboxctl apply -f policies/web-1.yaml
            """) { file, dryRun };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var plan = await PlanAsync(context, PolicyFiles.Find(context.Console, context.Get(file)), cancellationToken);
            await WritePlanAsync(context, plan);
            var refused = plan.Count(entry => entry.Action == PlanAction.Invalid);
            if (!context.Get(dryRun))
            {
                foreach (var entry in plan.Where(entry => entry.Action is PlanAction.Create or PlanAction.Update))
                {
                    refused += await ApplyAsync(context, entry, cancellationToken) ? 0 : 1;
                }
            }

            await context.Out.WriteLineAsync(Summary(plan, refused, context.Get(dryRun)));
            return refused == 0 ? ExitCodes.Success : ExitCodes.ServerRefused;
        });
        return command;
    }

    private static async Task<List<PlanEntry>> PlanAsync(CommandContext context, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var plan = new List<PlanEntry>();
        foreach (var path in files)
        {
            var name = Path.GetFileName(path);
            string sandboxId;
            string document;
            try
            {
                (sandboxId, document) = await PolicyFiles.ReadAsync(context.Console, path, cancellationToken);
            }
            catch (UsageException exception)
            {
                plan.Add(new PlanEntry(name, "-", PlanAction.Invalid, 0, string.Empty, exception.Message));
                continue;
            }

            plan.Add(await PlanOneAsync(context, name, sandboxId, document, cancellationToken));
        }

        // Two files for one sandbox would make the result depend on file order: refuse both.
        foreach (var duplicate in plan.GroupBy(entry => entry.SandboxId).Where(group => group.Key != "-" && group.Count() > 1).SelectMany(group => group).ToList())
        {
            plan[plan.IndexOf(duplicate)] = duplicate with { Action = PlanAction.Invalid, Detail = "another file is for the same sandbox" };
        }

        return plan;
    }

    private static async Task<PlanEntry> PlanOneAsync(CommandContext context, string name, string sandboxId, string document, CancellationToken cancellationToken)
    {
        if (!IdentifierRules.IsValidId(sandboxId))
        {
            return new PlanEntry(name, sandboxId, PlanAction.Invalid, 0, document, "not a valid sandbox id (name the file ID.yaml or start it with '# sandbox: ID')");
        }

        try
        {
            var check = await context.Client().ValidateSandboxPolicyAsync(
                new ValidateSandboxPolicyRequest { SandboxId = sandboxId, Document = document }, cancellationToken: cancellationToken);
            var action = !check.SandboxExists ? PlanAction.Create : check.Unchanged ? PlanAction.Unchanged : PlanAction.Update;
            return new PlanEntry(name, sandboxId, action, check.CurrentVersion, document, string.Empty);
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.InvalidArgument or StatusCode.ResourceExhausted)
        {
            return new PlanEntry(name, sandboxId, PlanAction.Invalid, 0, document, exception.Status.Detail);
        }
    }

    /// <summary>True if written; a refusal is printed as one line on stderr.</summary>
    private static async Task<bool> ApplyAsync(CommandContext context, PlanEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            if (entry.Action == PlanAction.Create)
            {
                await context.Client().CreateSandboxAsync(
                    new CreateSandboxRequest { SandboxId = entry.SandboxId, PolicyDocument = entry.Document }, cancellationToken: cancellationToken);
                await context.Out.WriteLineAsync($"created {TextSanitizer.Clean(entry.SandboxId)} with policy version 1");
            }
            else
            {
                var written = await context.Client().UpdateSandboxPolicyAsync(
                    new UpdateSandboxPolicyRequest { SandboxId = entry.SandboxId, ExpectedVersion = entry.CurrentVersion, Document = entry.Document },
                    cancellationToken: cancellationToken);
                await context.Out.WriteLineAsync($"updated {TextSanitizer.Clean(entry.SandboxId)} to policy version {Number(written.Version)}");
            }

            return true;
        }
        catch (RpcException exception) when (exception.StatusCode is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal))
        {
            await context.Console.Error.WriteLineAsync($"refused {TextSanitizer.Clean(entry.SandboxId)} ({TextSanitizer.Clean(entry.File)}): {CommandRunner.ServerError(exception)}");
            return false;
        }
    }

    private static async Task WritePlanAsync(CommandContext context, List<PlanEntry> plan)
    {
        if (context.Output == OutputFormat.Json)
        {
            await context.Out.WriteLineAsync(PlanJson(plan));
            return;
        }

        await TableWriter.WriteAsync(
            context.Out,
            ["ACTION", "SANDBOX", "VERSION", "FILE", "DETAIL"],
            plan.Select(entry => (IReadOnlyList<string>)
            [
                entry.Action.ToString().ToLowerInvariant(),
                entry.SandboxId,
                entry.Action switch
                {
                    PlanAction.Create => "- -> 1",
                    PlanAction.Update => $"{Number(entry.CurrentVersion)} -> {Number(entry.CurrentVersion + 1)}",
                    PlanAction.Unchanged => Number(entry.CurrentVersion),
                    _ => "-",
                },
                entry.File,
                entry.Detail,
            ]));
    }

    private static string PlanJson(List<PlanEntry> plan)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("plan");
            foreach (var entry in plan)
            {
                writer.WriteStartObject();
                writer.WriteString("file", entry.File);
                writer.WriteString("sandboxId", entry.SandboxId);
                writer.WriteString("action", entry.Action.ToString().ToLowerInvariant());
                writer.WriteNumber("currentVersion", entry.CurrentVersion);
                writer.WriteString("detail", entry.Detail);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Summary(List<PlanEntry> plan, int refused, bool dryRun)
    {
        int Count(PlanAction action) => plan.Count(entry => entry.Action == action);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{(dryRun ? "plan" : "applied")}: {Count(PlanAction.Create)} create, {Count(PlanAction.Update)} update, {Count(PlanAction.Unchanged)} unchanged, {Count(PlanAction.Invalid)} invalid; {refused} refused");
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
