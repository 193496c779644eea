using System.CommandLine;
using SandboxControl.Cli.Output;
using SandboxControl.Pki;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary><c>certs init-ca --out F --key-out F [--name CN] [--validity 3650d]</c>.</summary>
internal static class InitCaCommand
{
    public static Command Create(CommandRunner runner)
    {
        var outputs = new CertificateOutputOptions();
        var name = new Option<string>("--name") { Description = "CA common name.", DefaultValueFactory = _ => "SandboxControl CA" };
        var validity = Lifetimes.InDays(3650);
        var command = new Command("init-ca", """
            Create a self-signed ECDSA P-256 root CA.

            Examples:
              sandboxctl certs init-ca --out ca.crt --key-out ca.key --validity 3650d
            """) { name };
        validity.AddTo(command);
        outputs.AddTo(command);
        runner.SetOfflineAction(command, async (context, _) =>
        {
            var paths = outputs.Paths(context);
            var lifetime = validity.Resolve(context);
            var commonName = context.Get(name);
            if (string.IsNullOrWhiteSpace(commonName))
            {
                throw new UsageException("--name must not be empty.");
            }

            using var ca = CertificateAuthority.CreateRoot(commonName, lifetime);
            ca.Save(paths.Certificate, paths.Key);
            await context.WriteFieldsAsync(
                new ResultField("certificate", "certificate", paths.Certificate),
                new ResultField("private key", "privateKey", paths.Key),
                new ResultField("subject", "subject", ca.Certificate.Subject),
                new ResultField("serial", "serialNumber", ca.Certificate.SerialNumber),
                new ResultField("not after", "notAfter", Timestamps.Format(ca.Certificate.NotAfter.ToUniversalTime())));
            return ExitCodes.Success;
        });
        return command;
    }
}
