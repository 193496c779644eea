using SandboxControl.Server.Audit;
using Xunit;

namespace SandboxControl.Tests.Audit;

public sealed class AuditTextTests
{
    [Fact]
    public void Sanitize_ControlCharacters_Escaped()
    {
        var sanitized = AuditText.Sanitize("a\n{\"decision\":\"allow\"}\u001b[2J");

        Assert.DoesNotContain('\n', sanitized!);
        Assert.DoesNotContain('\u001b', sanitized!);
        Assert.StartsWith("a\\u000a", sanitized, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_TenKilobytes_BoundedWithLength()
    {
        var sanitized = AuditText.Sanitize(new string('x', 10_240));

        Assert.True(sanitized!.Length < 200);
        Assert.EndsWith("(10240 chars)", sanitized, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_PlainId_Unchanged() => Assert.Equal("sandbox-1", AuditText.Sanitize("sandbox-1"));
}
