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

    [Fact]
    public void Refresh_FileDeleted_KeepsPreviousList()
    {
        var path = Path.Combine(Path.GetTempPath(), "deny-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, "ABCDEF\n");
        var options = Microsoft.Extensions.Options.Options.Create(new IdentityOptions { TrustDomain = "t", DenyListPath = path });
        var list = new CertificateDenyList(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<CertificateDenyList>.Instance);
        Assert.True(list.IsDenied("ABCDEF"));

        File.Delete(path);
        list.Refresh();

        Assert.True(list.IsDenied("ABCDEF"));
    }
}
