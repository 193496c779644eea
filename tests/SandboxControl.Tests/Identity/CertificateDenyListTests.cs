using SandboxControl.Server.Identity;
using Xunit;

namespace SandboxControl.Tests.Identity;

public sealed class CertificateDenyListTests
{
    [Fact]
    public void Parse_CommentsColonsAndCase_Normalized()
    {
        var serials = CertificateDenyList.Parse(["# revoked 2026-11-23", "0a:bc:de  # laptop lost", "", "FF01"]);

        Assert.Contains("ABCDE", (IReadOnlySet<string>)serials);
        Assert.Contains("FF01", (IReadOnlySet<string>)serials);
        Assert.Equal(2, serials.Count);
    }
}
