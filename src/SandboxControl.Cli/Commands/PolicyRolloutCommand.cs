using System.CommandLine;
using System.Globalization;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary>
/// <c>policy rollout [--version-age D] [--watch]</c>: every sandbox's current version, status and version in force,
/// read page by page (one request per page, never one per sandbox), with a summary line. <c>--watch</c> is the
/// runner's, as on <c>sandboxes list</c> and <c>status</c>: <c>-w</c>, <c>--interval</c>, a <c>--timeout</c> per round.
/// </summary>
internal static class PolicyRolloutCommand
{
    private const int PageSize = 1000;

    public static Command Create(CommandRunner runner)
    {
        var versionAge = new Option<string?>("--version-age")
        {
            Description = "List only sandboxes whose current version has not been LOADED for at least this long (e.g. 5m, 1h30m); the summary still counts all.",
            HelpName = "DURATION",
        };
        var command = new Command("rollout", """
            Show which policy version every sandbox runs.

            Examples:
              sandboxctl policy rollout
              sandboxctl policy rollout --version-age 15m
              sandboxctl policy rollout --watch --interval 5s
            """) { versionAge };
        runner.SetWatchableOnlineAction(command, async (context, cancellationToken) =>
        {
            await ShowAsync(context, VersionAge(context.Get(versionAge)), cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task ShowAsync(CommandContext context, TimeSpan? age, CancellationToken cancellationToken)
    {
        var all = await ReadAllAsync(context.Client(), cancellationToken);
        var now = all.ServerTime.ToDateTimeOffset();
        // Ages come from the server's own clock (server_time and since), never from this machine's.
        bool Lagging(PolicyRolloutEntry entry) => entry.Version > 0 && entry.Status != PolicyStatus.Loaded && now - entry.Since.ToDateTimeOffset() >= age;
        var shown = age is null ? all.Entries.ToList() : all.Entries.Where(Lagging).ToList();
        var summary = Summary(all.Entries, age is null ? null : (age.Value, all.Entries.Count(Lagging)));
        if (context.Output == OutputFormat.Json)
        {
            var page = new ListPolicyRolloutResponse { ServerTime = all.ServerTime };
            page.Entries.AddRange(shown);
            await context.Out.WriteLineAsync(ProtoJson.FormatLine(page));
            return;
        }

        await TableWriter.WriteAsync(
            context.Out,
            ["SANDBOX", "VERSION", "STATUS", "ACTIVE", "SINCE", "AGE", "MESSAGE"],
            shown.Select(entry => (IReadOnlyList<string>)
            [
                entry.SandboxId,
                Number(entry.Version),
                entry.Version == 0 ? "-" : ProtoEnums.Name(entry.Status),
                Number(entry.ActiveVersion),
                Timestamps.Format(entry.Since),
                Age(now - entry.Since.ToDateTimeOffset()),
                entry.Message,
            ]));
        await context.Out.WriteLineAsync(summary);
    }

    private static TimeSpan? VersionAge(string? text) =>
        text is null ? null
        : Durations.TryParse(text, out var age) && age > TimeSpan.Zero ? age
        : throw new UsageException($"--version-age '{TextSanitizer.Clean(text)}' is not a duration like 90s, 5m, 1h30m or 2d.");

    /// <summary>Follows next_page_token to the end: one call per 1000 sandboxes.</summary>
    private static async Task<ListPolicyRolloutResponse> ReadAllAsync(V1.SandboxControl.SandboxControlClient client, CancellationToken cancellationToken)
    {
        var all = new ListPolicyRolloutResponse();
        var token = string.Empty;
        do
        {
            var page = await client.ListPolicyRolloutAsync(new ListPolicyRolloutRequest { PageSize = PageSize, PageToken = token }, cancellationToken: cancellationToken);
            all.Entries.AddRange(page.Entries);
            all.ServerTime ??= page.ServerTime;
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    private static string Summary(Google.Protobuf.Collections.RepeatedField<PolicyRolloutEntry> entries, (TimeSpan Age, int Count)? lagging)
    {
        var loaded = entries.Count(entry => entry.Version > 0 && entry.Status == PolicyStatus.Loaded);
        var pending = entries.Count(entry => entry.Version > 0 && entry.Status == PolicyStatus.Pending);
        var failed = entries.Count(entry => entry.Version > 0 && entry.Status == PolicyStatus.Failed);
        var none = entries.Count(entry => entry.Version == 0);
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{entries.Count} sandboxes: {loaded} LOADED, {pending} PENDING, {failed} FAILED, {none} without policy");
        return lagging is { } lag
            ? text + string.Create(CultureInfo.InvariantCulture, $"; {lag.Count} not LOADED for {Age(lag.Age)} or more")
            : text;
    }

    private static string Age(TimeSpan age) => age switch
    {
        _ when age < TimeSpan.Zero => "0s",
        _ when age.TotalMinutes < 1 => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalSeconds}s"),
        _ when age.TotalHours < 1 => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes}m"),
        _ when age.TotalDays < 1 => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h{age.Minutes}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays}d{age.Hours}h"),
    };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
