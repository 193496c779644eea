using SandboxControl.Pki;
using Xunit;

namespace SandboxControl.Tests.Pki;

public sealed class SpiffeIdsTests
{
    [Fact]
    public void ForSandbox_TrustDomainAndId_SandboxPath() =>
        Assert.Equal("spiffe://example.org/sandbox/sb-1", SpiffeIds.ForSandbox("example.org", "sb-1"));

    [Fact]
    public void ForOperator_TrustDomainAndName_OperatorPath() =>
        Assert.Equal("spiffe://example.org/operator/alice", SpiffeIds.ForOperator("example.org", "alice"));
}
