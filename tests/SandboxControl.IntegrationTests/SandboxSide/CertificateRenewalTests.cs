using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>
/// Six-second certificates renewed at the default two thirds: each old certificate expires two seconds
/// after its replacement, while calls continue.
/// </summary>
public sealed class CertificateRenewalTests(SixSecondCertificateServer fixture, ITestOutputHelper output) : IClassFixture<SixSecondCertificateServer>
{
    [Fact]
    public Task AutoRenewal_SixSecondLifetime_ThreeRenewalsNoFailedCall() =>
        AutoRenewalScenario.RunAsync(fixture.Server, fixture.Lifetime, renewAt: 2.0 / 3.0, renewals: 3, outliveFirstCertificate: true, output);
}
