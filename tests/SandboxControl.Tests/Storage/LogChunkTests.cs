using System.Buffers;
using System.Text;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Sqlite;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class LogChunkTests
{
    private static readonly DateTimeOffset BaseTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public void EncodeDecode_AwkwardText_RoundTripsWithSequencesAndNewestTimestamp()
    {
        LogLineRecord[] lines =
        [
            new(BaseTime.AddSeconds(5), LogSeverity.Warn, "agent", "quote \" backslash \\ tab \t newline \n"),
            new(BaseTime, LogSeverity.Error, "ядро", "emoji 🚀 and </script>"),
            new(BaseTime.AddSeconds(1), LogSeverity.Unspecified, string.Empty, string.Empty),
        ];

        var (bytes, newest) = LogChunk.Encode(lines, new ArrayBufferWriter<byte>());
        var decoded = new List<StoredLogLine>();
        LogChunk.Decode(bytes, 41, 0, null, 100, decoded);

        Assert.Equal(BaseTime.AddSeconds(5).ToUnixTimeMilliseconds(), newest);
        Assert.Equal([41L, 42, 43], decoded.Select(line => line.Sequence));
        Assert.Equal(lines.Select(line => (line.Timestamp, line.Level, line.Source, line.Message)), decoded.Select(line => (line.Timestamp, line.Level, line.Source, line.Message)));
    }

    [Fact]
    public void Decode_AfterSinceAndLimit_KeepsOnlyMatchingLinesInOrder()
    {
        var lines = Enumerable.Range(0, 10).Select(i => new LogLineRecord(BaseTime.AddSeconds(i % 2 == 0 ? i : -i), LogSeverity.Info, "agent", $"line-{i}")).ToArray();
        var (bytes, _) = LogChunk.Encode(lines, new ArrayBufferWriter<byte>());

        var decoded = new List<StoredLogLine>();
        LogChunk.Decode(bytes, 1, 2, BaseTime.ToUnixTimeMilliseconds(), 3, decoded);

        // Sequences 3..10 hold line-2..line-9; odd lines are stamped before BaseTime; three at most.
        Assert.Equal(["line-2", "line-4", "line-6"], decoded.Select(line => line.Message));
        Assert.Equal([3L, 5, 7], decoded.Select(line => line.Sequence));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[[1,2,\"a\"]]")]
    [InlineData("[[1,2,\"a\",\"b\"]")]
    [InlineData("[[\"x\",2,\"a\",\"b\"]]")]
    public void Decode_NotAChunk_InvalidDataException(string text)
    {
        var decoded = new List<StoredLogLine>();

        var exception = Assert.Throws<InvalidDataException>(() => LogChunk.Decode(Encoding.UTF8.GetBytes(text), 1, 0, null, 10, decoded));

        Assert.Equal("a stored log chunk is not in the expected format", exception.Message);
    }
}
