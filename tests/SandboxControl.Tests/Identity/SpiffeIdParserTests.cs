using SandboxControl.Server.Identity;
using Xunit;

namespace SandboxControl.Tests.Identity;

public sealed class SpiffeIdParserTests
{
    private const string TrustDomain = "sandboxes.test";

    [Theory]
    [InlineData("spiffe://sandboxes.test/sandbox/a", "Sandbox", "a")]
    [InlineData("spiffe://sandboxes.test/sandbox/pod-7", "Sandbox", "pod-7")]
    [InlineData("spiffe://sandboxes.test/operator/alice", "Operator", "alice")]
    public void Parse_WellFormed_ReturnsCaller(string uri, string kind, string name)
    {
        var result = SpiffeIdParser.Parse(uri, TrustDomain);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal(Enum.Parse<CallerKind>(kind), result.Kind);
        Assert.Equal(name, result.Name);
    }

    [Theory]
    [InlineData("https://sandboxes.test/sandbox/a", "URI SAN is not a spiffe:// ID")]
    [InlineData("SPIFFE://sandboxes.test/sandbox/a", "URI SAN is not a spiffe:// ID")]
    [InlineData("spiffe://other.test/sandbox/a", "wrong trust domain")]
    [InlineData("spiffe://Sandboxes.test/sandbox/a", "malformed trust domain")]
    [InlineData("spiffe://sandboxes.test./sandbox/a", "wrong trust domain")]
    [InlineData("spiffe://sandboxes.test:443/sandbox/a", "malformed trust domain")]
    [InlineData("spiffe://user@sandboxes.test/sandbox/a", "malformed trust domain")]
    [InlineData("spiffe://sandboxes.test/sandbox/../operator/admin", "SPIFFE path must be /sandbox/<id> or /operator/<name>")]
    [InlineData("spiffe://sandboxes.test/sandbox/..", "malformed id in SPIFFE path")]
    [InlineData("spiffe://sandboxes.test/sandbox/a%2Fb", "malformed id in SPIFFE path")]
    [InlineData("spiffe://sandboxes.test/sandbox/a/", "SPIFFE path must be /sandbox/<id> or /operator/<name>")]
    [InlineData("spiffe://sandboxes.test/sandbox/", "malformed id in SPIFFE path")]
    [InlineData("spiffe://sandboxes.test/sandbox/A", "malformed id in SPIFFE path")]
    [InlineData("spiffe://sandboxes.test/sandbox/a/b", "SPIFFE path must be /sandbox/<id> or /operator/<name>")]
    [InlineData("spiffe://sandboxes.test/sandbox/a?x=1", "malformed id in SPIFFE path")]
    [InlineData("spiffe://sandboxes.test/sandbox/a#f", "malformed id in SPIFFE path")]
    [InlineData("spiffe://sandboxes.test/admin/a", "SPIFFE path must be /sandbox/<id> or /operator/<name>")]
    [InlineData("spiffe://sandboxes.test", "SPIFFE ID has no path")]
    [InlineData("spiffe://sandboxes.test/sandbox/a\n", "malformed id in SPIFFE path")]
    public void Parse_Malformed_FailsWithReason(string uri, string reason)
    {
        var result = SpiffeIdParser.Parse(uri, TrustDomain);

        Assert.False(result.Succeeded);
        Assert.Equal(reason, result.FailureReason);
    }

    [Fact]
    public void Parse_IdOf64Characters_Fails() =>
        Assert.False(SpiffeIdParser.Parse("spiffe://sandboxes.test/sandbox/" + new string('a', 64), TrustDomain).Succeeded);

    [Fact]
    public void Parse_IdOf63Characters_Succeeds() =>
        Assert.True(SpiffeIdParser.Parse("spiffe://sandboxes.test/sandbox/" + new string('a', 63), TrustDomain).Succeeded);
}
