using SandboxControl.Server.Audit;
using Xunit;

namespace SandboxControl.Tests.Audit;

public sealed class AuditOptionsValidatorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("audit-options").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Validate_NegativeIndexRetention_FailsWithOneLine()
    {
        var result = new AuditOptionsValidator().Validate(null, new AuditOptions { Path = Path.Combine(_directory, "audit.log"), IndexRetention = TimeSpan.FromHours(-1) });

        Assert.Equal("Audit:IndexRetention must not be negative (was -01:00:00); 0 keeps events forever.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_ZeroIndexRetention_KeepsForeverAndSucceeds()
    {
        var result = new AuditOptionsValidator().Validate(null, new AuditOptions { Path = Path.Combine(_directory, "audit.log"), IndexRetention = TimeSpan.Zero });

        Assert.True(result.Succeeded);
    }
}
