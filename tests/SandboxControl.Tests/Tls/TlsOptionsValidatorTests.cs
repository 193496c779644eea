using System.Net;
using SandboxControl.Pki;
using SandboxControl.Server.Tls;
using Xunit;

namespace SandboxControl.Tests.Tls;

public sealed class TlsOptionsValidatorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tls-options-").FullName;
    private readonly CertificateAuthority _ca = CertificateAuthority.CreateRoot("test", TimeSpan.FromHours(1));

    [Fact]
    public void Validate_GoodFiles_Succeeds() => Assert.True(new TlsOptionsValidator().Validate(null, WriteFiles()).Succeeded);

    [Fact]
    public void Validate_MissingCaFile_OneClearLine()
    {
        var options = WriteFiles();
        options.ClientCaPath = Path.Combine(_directory, "missing.crt");

        var result = new TlsOptionsValidator().Validate(null, options);

        Assert.Equal([$"Tls:ClientCaPath file '{options.ClientCaPath}' does not exist."], result.Failures);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Validate_WorldReadableKey_Fails()
    {
        var options = WriteFiles();
        File.SetUnixFileMode(options.ServerKeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var result = new TlsOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, failure => failure.Contains("readable by group or others", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_KeyOfAnotherCertificate_Fails()
    {
        var options = WriteFiles();
        using var other = _ca.IssueServerCertificate(["other"], [IPAddress.Loopback], TimeSpan.FromHours(1));
        File.Delete(options.ServerKeyPath);
        PemFiles.WritePrivateKey(options.ServerKeyPath, other);

        var result = new TlsOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, failure => failure.Contains("is not a private key matching", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private TlsOptions WriteFiles()
    {
        using var server = _ca.IssueServerCertificate(["localhost"], [IPAddress.Loopback], TimeSpan.FromHours(1));
        var options = new TlsOptions
        {
            ServerCertificatePath = Path.Combine(_directory, "server.crt"),
            ServerKeyPath = Path.Combine(_directory, "server.key"),
            ClientCaPath = Path.Combine(_directory, "ca.crt"),
        };
        PemFiles.WriteCertificate(options.ServerCertificatePath, server);
        PemFiles.WritePrivateKey(options.ServerKeyPath, server);
        PemFiles.WriteCertificate(options.ClientCaPath, _ca.Certificate);
        return options;
    }
}
