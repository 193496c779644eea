using SandboxControl.Server.Secrets;
using SandboxControl.Tests.Storage;
using Xunit;

namespace SandboxControl.Tests.Secrets;

public sealed class SecretsKeyFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Create_NewPath_OwnerOnlyFileWithUsableKey()
    {
        var path = _directory.Combine("nested", "secrets.key");

        SecretsKeyFile.Create(path);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var options = new SecretsOptions { KeyPath = path };
        Assert.True(new SecretsOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(32, SecretsKeyLoader.Load(options).Length);
    }

    [Fact]
    public void Create_TwoFiles_DifferentKeys()
    {
        var first = _directory.Combine("a.key");
        var second = _directory.Combine("b.key");

        SecretsKeyFile.Create(first);
        SecretsKeyFile.Create(second);

        Assert.NotEqual(
            SecretsKeyLoader.Load(new SecretsOptions { KeyPath = first }),
            SecretsKeyLoader.Load(new SecretsOptions { KeyPath = second }));
    }

    [Fact]
    public void Create_ExistingFile_ThrowsAndKeepsExistingKey()
    {
        var path = _directory.Combine("secrets.key");
        SecretsKeyFile.Create(path);
        var before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => SecretsKeyFile.Create(path));

        Assert.Equal(before, File.ReadAllBytes(path));
    }
}
