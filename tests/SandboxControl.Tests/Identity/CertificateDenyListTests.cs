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
    public void Parse_HexPrefixJunkAndComments_EachBadLineReportedNothingRevokedForIt()
    {
        var rejected = new List<(int Line, string Text)>();

        var serials = CertificateDenyList.Parse(
            ["# header", "0x0ABC", "zz-not-hex", "  # indented comment", "", "0A:BC:DE # ok", "12 34", "DEADBEEF"], rejected);

        Assert.Equal([(2, "0x0ABC"), (3, "zz-not-hex"), (7, "12 34")], rejected);
        Assert.Equal(2, serials.Count);
        Assert.Contains("ABCDE", (IReadOnlySet<string>)serials);
        Assert.Contains("DEADBEEF", (IReadOnlySet<string>)serials);
    }

    [Fact]
    public void Refresh_BadLines_WarningNamesEachLine()
    {
        var path = Path.Combine(Path.GetTempPath(), "deny-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, "# revoked\n0x0ABC\nzz-not-hex\nABCDEF\n");
        var logger = new ListLogger<CertificateDenyList>();
        try
        {
            var options = Microsoft.Extensions.Options.Options.Create(new IdentityOptions { TrustDomain = "t", DenyListPath = path });
            var list = new CertificateDenyList(options, logger);

            Assert.True(list.IsDenied("ABCDEF"));
            var warnings = logger.Messages.Where(m => m.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Select(m => m.Text).ToList();
            Assert.Equal(2, warnings.Count);
            Assert.Contains(warnings, w => w.Contains("line 2", StringComparison.Ordinal) && w.Contains("'0x0ABC'", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Contains("line 3", StringComparison.Ordinal) && w.Contains("'zz-not-hex'", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
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

internal sealed class ListLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    public List<(Microsoft.Extensions.Logging.LogLevel Level, string Text)> Messages { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(
        Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Messages)
        {
            Messages.Add((logLevel, formatter(state, exception)));
        }
    }
}
