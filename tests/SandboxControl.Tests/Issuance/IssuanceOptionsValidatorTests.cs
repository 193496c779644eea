using SandboxControl.Server.Issuance;
using Xunit;

namespace SandboxControl.Tests.Issuance;

public sealed class IssuanceOptionsValidatorTests
{
    private readonly IssuanceOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = _validator.Validate(null, new IssuanceOptions());

        Assert.True(result.Succeeded);
        Assert.Equal(8, new IssuanceOptions().MaxLiveCertificatesPerSandbox);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_MaxLiveCertificatesBelowTwo_FailsWithOneLine(int limit)
    {
        var result = _validator.Validate(null, new IssuanceOptions { MaxLiveCertificatesPerSandbox = limit });

        Assert.Equal("Issuance:MaxLiveCertificatesPerSandbox must be at least 2.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_MaxLiveCertificatesTwo_Succeeds()
    {
        var result = _validator.Validate(null, new IssuanceOptions { MaxLiveCertificatesPerSandbox = 2 });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3599)]
    public void Validate_ExpiredCertificateRetentionUnderAnHour_FailsWithOneLine(int seconds)
    {
        var result = _validator.Validate(null, new IssuanceOptions { ExpiredCertificateRetention = TimeSpan.FromSeconds(seconds) });

        Assert.Equal("Issuance:ExpiredCertificateRetention must be at least 1 hour.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_ExpiredCertificateRetentionDefault_SevenDays()
    {
        Assert.Equal(TimeSpan.FromDays(7), new IssuanceOptions().ExpiredCertificateRetention);
        Assert.True(_validator.Validate(null, new IssuanceOptions { ExpiredCertificateRetention = TimeSpan.FromHours(1) }).Succeeded);
    }
}
