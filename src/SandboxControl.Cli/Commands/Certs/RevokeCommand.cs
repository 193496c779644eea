using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Cli.Certificates;
using SandboxControl.Cli.Input;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary>
/// <c>certs revoke (--serial HEX | -f FILE)</c>: asks the server to revoke the certificate and every certificate
/// renewed from it (RevokeSandboxCertificate, ADMIN). With <c>--deny-list FILE</c> it works offline instead, the
/// emergency path: appends the serial to the server's deny list (<c>Identity:DenyListPath</c>, re-read by the server on
/// change). Running it twice changes nothing. The certificate to revoke is an input file, so <c>-f/--file</c> as on
/// every command; <c>--cert</c> is the caller's client certificate here too (it once named the target, and then the
/// connection's <c>--cert</c> could not be given on this command).
/// </summary>
internal static class RevokeCommand
{
    public static Command Create(CommandRunner runner)
    {
        var denyList = new Option<string?>("--deny-list")
        {
            Description = "Offline emergency path: append to this deny-list file (created if missing) instead of asking the server.",
            HelpName = "FILE",
        };
        var serial = new Option<string?>("--serial") { Description = "Serial number in hex.", HelpName = "HEX" };
        var certificate = CommonArguments.InputFile("PEM certificate whose serial to revoke (instead of --serial).", required: false);
        var command = new Command("revoke", """
            Revoke a sandbox certificate and its renewals on the server (or, with --deny-list, add it to a deny-list file).

            Examples:
              sandboxctl certs revoke --serial 5A3F09C1D2
              sandboxctl certs revoke -f stolen.crt
              sandboxctl certs revoke -f stolen.crt --deny-list /etc/sandboxcontrol/deny.list
            """)
        {
            denyList, serial, certificate,
        };
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var serialText = context.ParseResult.GetValue(serial);
            var certificatePath = context.ParseResult.GetValue(certificate);
            if ((serialText is null) == (certificatePath is null))
            {
                throw new UsageException("give exactly one of --serial HEX or --file FILE.");
            }

            serialText ??= await ReadSerialAsync(context, certificatePath!, cancellationToken);
            var normalized = DenyListFile.NormalizeSerial(serialText);
            if (context.Get(denyList) is not { } denyListPath)
            {
                var response = await context.Client().RevokeSandboxCertificateAsync(
                    new V1.RevokeSandboxCertificateRequest { SerialNumber = serialText },
                    cancellationToken: cancellationToken);
                await context.WriteFieldsAsync(
                    new ResultField("sandbox", "sandboxId", response.SandboxId),
                    new ResultField("revoked", "revokedSerialNumbers", string.Join(' ', response.RevokedSerialNumbers)));
                return ExitCodes.Success;
            }

            var path = context.FullPath(denyListPath);
            bool added;
            try
            {
                added = DenyListFile.Add(path, normalized, context.Time.GetUtcNow());
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot update deny list '{path}': {exception.Message}");
            }

            await context.WriteFieldsAsync(
                new ResultField("serial", "serialNumber", normalized),
                new ResultField("deny list", "denyList", path),
                new ResultField("added", "added", added));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<string> ReadSerialAsync(CommandContext context, string path, CancellationToken cancellationToken)
    {
        var pem = await InputText.ReadAsync(context.Console, path, "certificate", cancellationToken);
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            return certificate.SerialNumber;
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw new UsageException($"cannot read a PEM certificate from '{path}': {exception.Message}");
        }
    }
}
