extern alias cli;

using Xunit;
using Durations = cli::SandboxControl.Cli.Input.Durations;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>The one duration syntax of every sandboxctl flag (--timeout, --interval, --validity, --version-age).</summary>
public sealed class DurationsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2d", 172_800_000)]
    public void TryParse_Valid_Milliseconds(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("-1s")]
    [InlineData("1x")]
    [InlineData("1h 30m")]
    [InlineData("1.00:00:00")]
    public void TryParse_Invalid_False(string text) => Assert.False(Durations.TryParse(text, out _));
}
