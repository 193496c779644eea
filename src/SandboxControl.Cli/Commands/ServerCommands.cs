using System.CommandLine;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>server status</c>: version, health and storage engine of the server.</summary>
internal static class ServerCommands
{
    public static Command Create(CommandRunner runner)
    {
        var server = new Command("server", "Information about the server itself.");
        var status = new Command("status", """
            Show the server's version, health (SERVING while its store answers) and storage engine.
            Exits 0 only when the server is SERVING (1 otherwise), so it serves as an mTLS health probe.

            Examples:
              sandboxctl server status
              sandboxctl server status -o yaml
            """);
        runner.SetOnlineAction(status, async (context, cancellationToken) =>
        {
            var answer = await context.Client().GetServerStatusAsync(new GetServerStatusRequest(), cancellationToken: cancellationToken);
            await context.WriteAsync(answer, output => TableWriter.WritePairsAsync(output,
            [
                ("server", context.Connection!.Settings.Server.ToString().TrimEnd('/')),
                ("version", answer.Version),
                ("health", answer.Health),
                ("storage", answer.StorageEngine),
                ("trust domain", answer.TrustDomain),
                ("issuance", answer.IssuanceEnabled ? "on" : "off"),
            ]));
            return answer.Health == "SERVING" ? ExitCodes.Success : ExitCodes.ServerRefused;
        });
        server.Subcommands.Add(status);
        return server;
    }
}
