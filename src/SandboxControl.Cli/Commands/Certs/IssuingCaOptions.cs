using System.CommandLine;
using System.Security.Cryptography;
using SandboxControl.Pki;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary><c>--ca-cert F --ca-key F</c>: the CA that signs.</summary>
internal sealed class IssuingCaOptions
{
    public Option<string> Certificate { get; } = new("--ca-cert") { Description = "PEM CA certificate.", HelpName = "FILE", Required = true };

    public Option<string> Key { get; } = new("--ca-key") { Description = "PEM CA private key.", HelpName = "FILE", Required = true };

    public void AddTo(Command command)
    {
        command.Options.Add(Certificate);
        command.Options.Add(Key);
    }

    /// <exception cref="UsageException">The files are missing, unparsable, do not match or are not a CA.</exception>
    public CertificateAuthority Load(CommandContext context)
    {
        try
        {
            return CertificateAuthority.Load(context.FullPath(context.Get(Certificate)), context.FullPath(context.Get(Key)));
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException or CryptographicException)
        {
            // Pki messages name files, never key contents.
            throw new UsageException("cannot load the CA: " + exception.Message);
        }
    }
}
