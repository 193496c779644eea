using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>audit [--sandbox ID] [--caller NAME] [--rpc NAME] [--since DURATION|TIME] [--denied|--allowed]</c> (ADMIN).</summary>
internal static class AuditCommand
{
    private const int PageSize = 1000;
    private static readonly string[] Headers = ["TIME", "REPLICA", "CALLER", "RPC", "TARGET", "DECISION", "STATUS", "REASON"];

    public static Command Create(CommandRunner runner)
    {
        var sandbox = new Option<string?>("--sandbox") { Description = "Only events about this sandbox.", HelpName = "ID" };
        var caller = new Option<string?>("--caller") { Description = "Only events of this caller, e.g. operator/admin or sandbox/s1.", HelpName = "CALLER" };
        var rpc = new Option<string?>("--rpc") { Description = "Only this RPC, e.g. UpdateSandboxPolicy.", HelpName = "NAME" };
        var since = new Option<string?>("--since") { Description = "Only events from this long ago (15m, 2h, 1d) or since an RFC 3339 time.", HelpName = "DURATION|TIME" };
        var denied = new Option<bool>("--denied") { Description = "Only refused calls." };
        var allowed = new Option<bool>("--allowed") { Description = "Only allowed calls." };
        var command = new Command("audit", """
            Print the audit trail of the server answering (ADMIN): who called what, on which sandbox, and the decision.

            Examples:
              sandboxctl audit --since 1h --denied
              sandboxctl audit --sandbox web-1 --rpc UpdateSandboxPolicy -o json
            """)
        {
            sandbox, caller, rpc, since, denied, allowed,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(denied) && result.GetValue(allowed))
            {
                result.AddError("--denied and --allowed exclude each other.");
            }
        });
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var request = new ListAuditEventsRequest
            {
                FilterSandboxId = context.Get(sandbox) ?? string.Empty,
                Caller = context.Get(caller) ?? string.Empty,
                Rpc = context.Get(rpc) ?? string.Empty,
                PageSize = PageSize,
                Decision = context.Get(denied) ? AuditDecisionFilter.AuditDecisionDenied
                    : context.Get(allowed) ? AuditDecisionFilter.AuditDecisionAllowed
                    : AuditDecisionFilter.Unspecified,
            };
            if (context.Get(since) is { } sinceText)
            {
                request.Since = Timestamp.FromDateTimeOffset(SinceParser.Parse(sinceText, context.Time.GetUtcNow()));
            }

            var client = context.Client();
            var all = new ListAuditEventsResponse();
            do
            {
                var page = await client.ListAuditEventsAsync(request, cancellationToken: cancellationToken);
                all.Events.Add(page.Events);
                all.SkippedLines += page.SkippedLines;
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);

            await context.WriteAsync(all, output => TableWriter.WriteAsync(output, Headers, all.Events.Select(Row)));
            if (all.SkippedLines > 0)
            {
                await context.Console.Error.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"note: {all.SkippedLines} line(s) of the audit file were not whole events (torn by a crash or a full disk) and were skipped"));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Caller, target and reason can carry attacker-chosen text: escaped for the terminal.</summary>
    private static string[] Row(AuditEventRecord e) =>
    [
        Timestamps.Format(e.Time),
        TextSanitizer.Clean(e.Replica),
        TextSanitizer.Clean(e.Caller),
        e.Rpc,
        e.Target.Length == 0 ? "-" : TextSanitizer.Clean(e.Target),
        e.Allowed ? "allow" : "deny",
        e.Status,
        TextSanitizer.Clean(e.Reason),
    ];
}
