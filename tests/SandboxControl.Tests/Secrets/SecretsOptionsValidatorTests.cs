using System.Runtime.Versioning;
using System.Security.Cryptography;
using SandboxControl.Server.Secrets;
using SandboxControl.Tests.Storage;
using Xunit;

namespace SandboxControl.Tests.Secrets;

public sealed class SecretsOptionsValidatorTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly SecretsOptionsValidator _validator = new();

    // A variable name of its own per test instance: tests run in parallel and share the process environment.
    private readonly string _variable = "SANDBOXCONTROL_TEST_KEY_" + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        _directory.Dispose();
    }

    [Fact]
    public void Validate_NoKeyPathAndVariableUnset_FailsWithOneLineNamingBothSources()
    {
        var result = _validator.Validate(null, new SecretsOptions { KeyEnvironmentVariable = _variable });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Secrets:KeyPath", failure, StringComparison.Ordinal);
        Assert.Contains(_variable, failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
    }

    [Fact]
    public void Validate_DefaultVariableName_IsSandboxControlSecretsKey()
    {
        Assert.Equal("SANDBOXCONTROL_SECRETS_KEY", new SecretsOptions().KeyEnvironmentVariable);
    }

    [Fact]
    public void Validate_KeyFileMissing_Fails()
    {
        var path = _directory.Combine("absent.key");
        Environment.SetEnvironmentVariable(_variable, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var result = _validator.Validate(null, new SecretsOptions { KeyPath = path, KeyEnvironmentVariable = _variable });

        var failure = Assert.Single(result.Failures!);
        Assert.Equal($"Secrets:KeyPath '{path}' does not exist; create it with the base64 of 32 random bytes and mode 0600.", failure);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Validate_KeyFileWrongLength_FailsWithoutKeyContent(int length)
    {
        var encoded = Convert.ToBase64String(RandomNumberGenerator.GetBytes(length));
        var path = WriteKeyFile(encoded);

        var result = _validator.Validate(null, new SecretsOptions { KeyPath = path, KeyEnvironmentVariable = _variable });

        var failure = Assert.Single(result.Failures!);
        Assert.Equal($"Secrets:KeyPath '{path}' does not contain the base64 of exactly 32 bytes.", failure);
        Assert.DoesNotContain(encoded, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KeyFileNotBase64_Fails()
    {
        var path = WriteKeyFile("this is not base64 at all!!");

        var result = _validator.Validate(null, new SecretsOptions { KeyPath = path });

        Assert.Contains("does not contain the base64 of exactly 32 bytes", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite)]
    [UnsupportedOSPlatform("windows")]
    public void Validate_KeyFileAccessibleByGroupOrOthers_Fails(UnixFileMode mode)
    {
        var path = WriteKeyFile(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        File.SetUnixFileMode(path, mode);

        var result = _validator.Validate(null, new SecretsOptions { KeyPath = path });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"Secrets:KeyPath '{path}' is accessible by group or others", failure, StringComparison.Ordinal);
        Assert.Contains("chmod 600", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OwnerOnlyKeyFile_SucceedsAndLoaderReturnsKey()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var path = WriteKeyFile(Convert.ToBase64String(key) + "\n");

        var options = new SecretsOptions { KeyPath = path, KeyEnvironmentVariable = _variable };

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(key, SecretsKeyLoader.Load(options));
    }

    [Fact]
    public void Validate_KeyPathSet_TakesPrecedenceOverVariable()
    {
        var fileKey = RandomNumberGenerator.GetBytes(32);
        var path = WriteKeyFile(Convert.ToBase64String(fileKey));
        Environment.SetEnvironmentVariable(_variable, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var key = SecretsKeyLoader.Load(new SecretsOptions { KeyPath = path, KeyEnvironmentVariable = _variable });

        Assert.Equal(fileKey, key);
    }

    [Fact]
    public void Validate_VariableWithValidKey_Succeeds()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        Environment.SetEnvironmentVariable(_variable, Convert.ToBase64String(key));
        var options = new SecretsOptions { KeyEnvironmentVariable = _variable };

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(key, SecretsKeyLoader.Load(options));
    }

    [Fact]
    public void Validate_VariableWithShortKey_FailsWithoutValue()
    {
        var encoded = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        Environment.SetEnvironmentVariable(_variable, encoded);

        var result = _validator.Validate(null, new SecretsOptions { KeyEnvironmentVariable = _variable });

        var failure = Assert.Single(result.Failures!);
        Assert.Equal($"Secrets: the environment variable {_variable} does not hold the base64 of exactly 32 bytes.", failure);
        Assert.DoesNotContain(encoded, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoKey_ThrowsInvalidOperationWithSameLine()
    {
        var options = new SecretsOptions { KeyEnvironmentVariable = _variable };

        var exception = Assert.Throws<InvalidOperationException>(() => SecretsKeyLoader.Load(options));

        Assert.Equal(Assert.Single(_validator.Validate(null, options).Failures!), exception.Message);
    }

    private string WriteKeyFile(string content)
    {
        var path = _directory.Combine("key-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }
}
