using System.Security.Cryptography;
using SandboxControl.Server.Secrets;
using Xunit;

namespace SandboxControl.Tests.Secrets;

public sealed class AesGcmSecretProtectorTests : IDisposable
{
    private readonly AesGcmSecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    public void Dispose() => _protector.Dispose();

    [Fact]
    public void Protect_ThenUnprotect_RoundTrips()
    {
        var plaintext = "{\"TOKEN\":\"value\"}"u8.ToArray();

        var protectedData = _protector.Protect(plaintext, "provider-env:alpha");

        Assert.Equal(plaintext, _protector.Unprotect(protectedData, "provider-env:alpha"));
    }

    [Fact]
    public void Protect_EmptyPlaintext_RoundTrips()
    {
        var protectedData = _protector.Protect([], "provider-env:alpha");

        Assert.Equal(1 + 12 + 16, protectedData.Length);
        Assert.Empty(_protector.Unprotect(protectedData, "provider-env:alpha"));
    }

    [Fact]
    public void Protect_SamePlaintextTwice_FreshNonceAndVersionedLayout()
    {
        var plaintext = "same"u8.ToArray();

        var first = _protector.Protect(plaintext, "ad");
        var second = _protector.Protect(plaintext, "ad");

        Assert.Equal(1 + 12 + 16 + plaintext.Length, first.Length);
        Assert.Equal(1, first[0]);
        Assert.NotEqual(first.AsSpan(1, 12).ToArray(), second.AsSpan(1, 12).ToArray());
        Assert.NotEqual(first, second);
        Assert.True(first.AsSpan().IndexOf(plaintext) < 0);
    }

    [Fact]
    public void Unprotect_AnyByteFlipped_ThrowsSecretDecryptionException()
    {
        var protectedData = _protector.Protect("secret value"u8, "ad");

        for (var i = 0; i < protectedData.Length; i++)
        {
            var tampered = (byte[])protectedData.Clone();
            tampered[i] ^= 0x01;
            Assert.Throws<SecretDecryptionException>(() => _protector.Unprotect(tampered, "ad"));
        }
    }

    [Fact]
    public void Unprotect_WrongAssociatedData_ThrowsSecretDecryptionException()
    {
        var protectedData = _protector.Protect("secret value"u8, "provider-env:alpha");

        Assert.Throws<SecretDecryptionException>(() => _protector.Unprotect(protectedData, "provider-env:mallory"));
    }

    [Fact]
    public void Unprotect_TruncatedOrEmpty_ThrowsSecretDecryptionException()
    {
        var protectedData = _protector.Protect("secret value"u8, "ad");

        Assert.Throws<SecretDecryptionException>(() => _protector.Unprotect(protectedData.AsSpan(0, protectedData.Length - 1), "ad"));
        Assert.Throws<SecretDecryptionException>(() => _protector.Unprotect(protectedData.AsSpan(0, 20), "ad"));
        Assert.Throws<SecretDecryptionException>(() => _protector.Unprotect([], "ad"));
    }

    [Fact]
    public void Unprotect_OtherKey_ThrowsSecretDecryptionException()
    {
        using var other = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));
        var protectedData = _protector.Protect("secret value"u8, "ad");

        var exception = Assert.Throws<SecretDecryptionException>(() => other.Unprotect(protectedData, "ad"));
        Assert.Null(exception.InnerException);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void Constructor_KeyNot32Bytes_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => new AesGcmSecretProtector(new byte[length]));
    }
}
