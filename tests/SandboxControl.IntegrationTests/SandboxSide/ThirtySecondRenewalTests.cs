using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>
/// The 30-second certificates, renewed several times in a row. Renewing at one fifth of the
/// lifetime (instead of two thirds) keeps the test near 20 seconds.
/// </summary>
public sealed class ThirtySecondRenewalTests(ThirtySecondCertificateServer fixture, ITestOutputHelper output) : IClassFixture<ThirtySecondCertificateServer>
{
    [Fact]
    public Task AutoRenewal_ThirtySecondLifetime_ThreeRenewalsNoFailedCall() =>
        AutoRenewalScenario.RunAsync(fixture.Server, fixture.Lifetime, renewAt: 0.2, renewals: 3, outliveFirstCertificate: false, output);
}
