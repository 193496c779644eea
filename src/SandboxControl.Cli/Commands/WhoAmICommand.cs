using System.CommandLine;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>whoami</c>: the caller's identity and role as the server sees them.</summary>
internal static class WhoAmICommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("whoami", """
            Show who the server thinks you are: identity, role and the certificate used.

            Examples:
              sandboxctl whoami
              sandboxctl whoami --context prod -o json
            """);
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var me = await context.Client().WhoAmIAsync(new WhoAmIRequest(), cancellationToken: cancellationToken);
            await context.WriteAsync(me, output => TableWriter.WritePairsAsync(output,
            [
                ("identity", me.SpiffeId),
                ("kind", me.Kind),
                ("role", me.Role.Length == 0 ? "-" : me.Role),
                ("certificate serial", me.CertificateSerial),
                ("certificate expires", Timestamps.Format(me.CertificateNotAfter)),
            ]));
            return ExitCodes.Success;
        });
        return command;
    }
}
