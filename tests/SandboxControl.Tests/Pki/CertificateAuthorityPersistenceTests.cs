using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;
using Xunit;

namespace SandboxControl.Tests.Pki;

public sealed class CertificateAuthorityPersistenceTests
{
    [Fact]
    public void Save_ThenLoad_SameCaIssuesChainingCertificatesAndKeyIsOwnerOnly()
    {
        using var directory = new TempDirectory();
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));
        var certificatePath = directory.File("ca.crt");
        var keyPath = directory.File("ca.key");

        root.Save(certificatePath, keyPath);
        using var loaded = CertificateAuthority.Load(certificatePath, keyPath);

        Assert.Equal(root.Certificate.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
        using var leaf = loaded.IssueSandboxCertificate("td", "sb-1");
        using var chain = ChainAssert.Build(leaf, root.Certificate);
        Assert.Equal(X509ChainStatusFlags.NoError, ChainAssert.Status(chain));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(keyPath), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        }
    }

    [Fact]
    public void Load_MissingKeyFile_FileNotFoundNamingFile()
    {
        using var directory = new TempDirectory();
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));
        var certificatePath = directory.File("ca.crt");
        PemFiles.WriteCertificate(certificatePath, root.Certificate);
        var keyPath = directory.File("missing.key");

        var exception = Assert.Throws<FileNotFoundException>(() => CertificateAuthority.Load(certificatePath, keyPath));

        Assert.Contains(keyPath, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyOfOtherCa_InvalidDataWithoutKeyMaterial()
    {
        using var directory = new TempDirectory();
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));
        using var other = CertificateAuthority.CreateRoot("Other Root", TimeSpan.FromDays(1));
        root.Save(directory.File("ca.crt"), directory.File("ca.key"));
        other.Save(directory.File("other.crt"), directory.File("other.key"));
        var otherKeyText = File.ReadAllText(directory.File("other.key"));
        var otherKeyBody = otherKeyText.Split('\n')[1];

        var exception = Assert.Throws<PrivateKeyMismatchException>(() => CertificateAuthority.Load(directory.File("ca.crt"), directory.File("other.key")));

        Assert.Contains(directory.File("other.key"), exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(otherKeyBody, exception.ToString(), StringComparison.Ordinal);
        Assert.Null(exception.InnerException);
    }

    [Fact]
    public void Load_LeafCertificate_InvalidDataNotACa()
    {
        using var directory = new TempDirectory();
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));
        using var leaf = root.IssueSandboxCertificate("td", "sb-1");
        PemFiles.WriteCertificate(directory.File("leaf.crt"), leaf);
        PemFiles.WritePrivateKey(directory.File("leaf.key"), leaf);

        Assert.Throws<InvalidDataException>(() => CertificateAuthority.Load(directory.File("leaf.crt"), directory.File("leaf.key")));
    }
}
