using SandboxControl.Server.Policies;
using Xunit;

namespace SandboxControl.Tests.Policies;

public sealed class UnifiedDiffTests
{
    [Fact]
    public void Create_Equal_Empty() => Assert.Equal(string.Empty, UnifiedDiff.Create("a\nb\n", "a\nb\n", "old", "new"));

    [Fact]
    public void Create_OneChangedLine_OneHunkWithContext()
    {
        var old = string.Join('\n', Enumerable.Range(1, 10).Select(i => "line" + i)) + "\n";
        var changed = old.Replace("line5", "LINE5", StringComparison.Ordinal);

        var diff = UnifiedDiff.Create(old, changed, "v1", "v2");

        Assert.Equal("--- v1\n+++ v2\n@@ -2,7 +2,7 @@\n line2\n line3\n line4\n-line5\n+LINE5\n line6\n line7\n line8\n", diff);
    }

    [Fact]
    public void Create_FarApartChanges_TwoHunks()
    {
        var old = string.Join('\n', Enumerable.Range(1, 20).Select(i => "line" + i)) + "\n";
        var changed = old.Replace("line2\n", "line2\ninserted\n", StringComparison.Ordinal).Replace("line19\n", string.Empty, StringComparison.Ordinal);

        var diff = UnifiedDiff.Create(old, changed, "a", "b");

        Assert.Contains("@@ -1,5 +1,6 @@\n line1\n line2\n+inserted\n line3\n", diff, StringComparison.Ordinal);
        Assert.Contains("@@ -16,5 +17,4 @@\n line16\n line17\n line18\n-line19\n line20\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_FromNothing_AllAdded() =>
        Assert.Equal("--- none\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n", UnifiedDiff.Create(string.Empty, "a\nb\n", "none", "new"));
}
