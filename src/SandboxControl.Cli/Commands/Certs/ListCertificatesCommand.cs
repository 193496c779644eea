using System.CommandLine;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary><c>certs list ID</c>: the certificates the server issued for a sandbox's current incarnation (VIEWER).</summary>
internal static class ListCertificatesCommand
{
    private static readonly string[] Headers = ["SERIAL", "PARENT", "NOT-BEFORE", "NOT-AFTER", "ISSUED-BY", "REVOKED"];

    public static Command Create(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var command = new Command("list", """
            List the certificates the server issued for a sandbox (serial, parent, validity, revocation).

            Examples:
              sandboxctl certs list web-1
              sandboxctl certs list web-1 -o wide
            """) { id };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var response = await context.Client().ListSandboxCertificatesAsync(
                new ListSandboxCertificatesRequest { SandboxId = context.Get(id) }, cancellationToken: cancellationToken);
            await context.WriteAsync(response, output => TableWriter.WriteAsync(output, Headers, response.Certificates.Select(Row)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string[] Row(SandboxCertificate certificate) =>
    [
        certificate.SerialNumber,
        certificate.ParentSerialNumber.Length == 0 ? "-" : certificate.ParentSerialNumber,
        Timestamps.Format(certificate.NotBefore),
        Timestamps.Format(certificate.NotAfter),
        TextSanitizer.Clean(certificate.IssuedBy),
        certificate.RevokedAt is null ? "-" : Timestamps.Format(certificate.RevokedAt),
    ];
}
