using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Cli.Certificates;
using SandboxControl.Cli.Output;
using SandboxControl.Pki;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary>
/// <c>certs request ID --key-out F --out F</c> (<c>--out</c> was <c>--csr-out</c>): a new ECDSA P-256 key and a PKCS#10 CSR, made where the
/// sandbox runs. Only the CSR travels (to <c>sandboxes issue-cert</c>); the key never leaves the machine.
/// </summary>
internal static class RequestCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = CommonArguments.SandboxId();
        var keyOut = new Option<string>("--key-out") { Description = "Where to write the new private key (mode 0600).", HelpName = "FILE", Required = true };
        var csrOut = new RenamedOption(new Option<string>("--out") { Description = "Where to write the PEM CSR.", HelpName = "FILE" }, "--csr-out", required: true);
        var force = new Option<bool>("--force") { Description = "Replace existing files." };
        var command = new Command("request", """
            Generate a key pair and a certificate signing request for a sandbox (run it where the sandbox runs).

            Examples:
              sandboxctl certs request web-1 --key-out tls.key --out web-1.csr
            """) { id, keyOut };
        csrOut.AddTo(command);
        command.Options.Add(force);
        runner.SetOfflineAction(command, async (context, cancellationToken) =>
        {
            var sandboxId = context.Get(id);
            if (!IdentifierRules.IsValidId(sandboxId))
            {
                throw new UsageException($"the sandbox id must match {IdentifierRules.IdPattern}.");
            }

            var keyPath = context.FullPath(context.Get(keyOut));
            var csrPath = context.FullPath(csrOut.Get(context)!);
            OutputGuard.EnsureWritable(context.Get(force), keyPath, csrPath);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subject = new X500DistinguishedNameBuilder();
            subject.AddCommonName(sandboxId);
            // The server decides the SAN, EKU and lifetime; the CSR only proves possession of the key.
            var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
            var csrPem = request.CreateSigningRequestPem();
            PemFiles.WritePrivateKey(keyPath, key);
            await OutputFiles.WriteTextAsync(csrPath, csrPem + "\n", cancellationToken);
            await context.WriteFieldsAsync(
                new ResultField("private key", "privateKey", keyPath),
                new ResultField("csr", "csr", csrPath),
                new ResultField("subject", "subject", "CN=" + sandboxId));
            return ExitCodes.Success;
        });
        return command;
    }
}
