using System.CommandLine;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;
using SandboxControl.V1;

namespace SandboxControl.Cli.Commands;

/// <summary><c>sandboxes issue-cert ID -f CSR [--out FILE]</c> (<c>-f</c> was <c>--csr</c>): the server signs a CSR made where the key lives.</summary>
internal static class SandboxCertificateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var csr = new RenamedOption(CommonArguments.InputFile("PEM CSR (from 'sandboxctl certs request').", required: false), "--csr", required: true);
        var output = new Option<string?>("--out") { Description = "Write the certificate PEM here instead of standard output.", HelpName = "FILE" };
        var command = new Command("issue-cert", """
            Have the server sign a sandbox CSR (Issuer role); the server chooses the identity and lifetime.

            Examples:
              sandboxctl sandboxes issue-cert web-1 -f web-1.csr --out web-1.crt
              sandboxctl sandboxes issue-cert web-1 -f - < web-1.csr
            """) { id };
        csr.AddTo(command);
        command.Options.Add(output);
        runner.SetOnlineAction(command, async (context, cancellationToken) =>
        {
            var request = new IssueSandboxCertificateRequest
            {
                SandboxId = context.Get(id),
                CsrPem = await InputText.ReadAsync(context.Console, csr.Get(context)!, "CSR", cancellationToken),
            };
            var response = await context.Client().IssueSandboxCertificateAsync(request, cancellationToken: cancellationToken);
            if (context.Get(output) is not { } path)
            {
                await context.WriteAsync(response, writer => writer.WriteLineAsync(TextSanitizer.CleanMultiline(response.CertificatePem).TrimEnd('\n')));
                return ExitCodes.Success;
            }

            var fullPath = context.FullPath(path);
            await OutputFiles.WriteTextAsync(fullPath, response.CertificatePem, cancellationToken);
            await context.WriteFieldsAsync(
                new ResultField("certificate", "certificate", fullPath),
                new ResultField("serial", "serialNumber", response.SerialNumber),
                new ResultField("not before", "notBefore", Timestamps.Format(response.NotBefore)),
                new ResultField("not after", "notAfter", Timestamps.Format(response.NotAfter)));
            return ExitCodes.Success;
        });
        return command;
    }
}
