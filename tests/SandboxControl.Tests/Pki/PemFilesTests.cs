using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;
using Xunit;

namespace SandboxControl.Tests.Pki;

public sealed class PemFilesTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory _directory = new();
    private readonly CertificateAuthority _root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));

    public void Dispose()
    {
        _root.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void LoadCertificateWithKey_WrittenLeaf_SignsDataVerifiableWithCertificate()
    {
        using var leaf = _root.IssueSandboxCertificate("td", "sb-1");
        PemFiles.WriteCertificate(_directory.File("leaf.crt"), leaf);
        PemFiles.WritePrivateKey(_directory.File("leaf.key"), leaf);

        using var loaded = PemFiles.LoadCertificateWithKey(_directory.File("leaf.crt"), _directory.File("leaf.key"));

        Assert.Equal(leaf.Thumbprint, loaded.Thumbprint);
        var data = "payload"u8.ToArray();
        using var privateKey = loaded.GetECDsaPrivateKey()!;
        var signature = privateKey.SignData(data, HashAlgorithmName.SHA256);
        using var publicKey = leaf.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(_directory.File("leaf.key")));
            Assert.Equal(OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(_directory.File("leaf.crt")));
        }
    }

    [Fact]
    public void WritePrivateKey_ExistingWorldReadableFile_ReplacedOwnerOnly()
    {
        using var leaf = _root.IssueSandboxCertificate("td", "sb-1");
        var keyPath = _directory.File("leaf.key");
        File.WriteAllText(keyPath, "old");

        PemFiles.WritePrivateKey(keyPath, leaf);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(keyPath), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(keyPath));
        }
    }

    [Fact]
    public void WritePrivateKey_CertificateWithoutKey_ThrowsAndWritesNothing()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(_root.Certificate.RawData);

        Assert.Throws<ArgumentException>(() => PemFiles.WritePrivateKey(_directory.File("ca.key"), publicOnly));
        Assert.Empty(Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void LoadCertificates_Bundle_AllInOrder()
    {
        using var intermediate = _root.CreateIntermediate("Test Intermediate", TimeSpan.FromDays(1));
        PemFiles.WriteCertificates(_directory.File("bundle.pem"), [intermediate.Certificate, _root.Certificate]);

        var loaded = PemFiles.LoadCertificates(_directory.File("bundle.pem"));

        Assert.Equal(
            [intermediate.Certificate.Thumbprint, _root.Certificate.Thumbprint],
            loaded.Select(certificate => certificate.Thumbprint));
        Assert.All(loaded, certificate => Assert.False(certificate.HasPrivateKey));
    }

    [Fact]
    public void LoadCertificates_NoCertificate_InvalidDataNamingFile()
    {
        var path = _directory.File("empty.pem");
        File.WriteAllText(path, "not a certificate\n");

        var exception = Assert.Throws<InvalidDataException>(() => PemFiles.LoadCertificates(path));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCertificateWithKey_RsaKey_LoadsWithPrivateKey()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        PemFiles.WriteCertificate(_directory.File("rsa.crt"), certificate);
        PemFiles.WritePrivateKey(_directory.File("rsa.key"), certificate);

        using var loaded = PemFiles.LoadCertificateWithKey(_directory.File("rsa.crt"), _directory.File("rsa.key"));

        Assert.True(loaded.HasPrivateKey);
        using var privateKey = loaded.GetRSAPrivateKey();
        Assert.NotNull(privateKey);
    }

    [Fact]
    public void LoadCertificateWithKey_CertificateFileNotPem_InvalidDataNamingFile()
    {
        using var leaf = _root.IssueSandboxCertificate("td", "sb-1");
        File.WriteAllText(_directory.File("leaf.crt"), "garbage\n");
        PemFiles.WritePrivateKey(_directory.File("leaf.key"), leaf);

        var exception = Assert.Throws<InvalidDataException>(
            () => PemFiles.LoadCertificateWithKey(_directory.File("leaf.crt"), _directory.File("leaf.key")));

        Assert.Contains(_directory.File("leaf.crt"), exception.Message, StringComparison.Ordinal);
    }
}
