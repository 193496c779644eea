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

    [Theory]
    [InlineData(0, 'a')]
    [InlineData(42, 'a')]
    [InlineData(127, 'a')]
    [InlineData(128, 'a')]
    [InlineData(16_383, 'a')]
    [InlineData(16_384, 'a')]
    [InlineData(43, 'я')]
    [InlineData(5_462, '€')]
    public void EncodeDecode_LengthsAtVarintBoundaries_RoundTrip(int chars, char fill)
    {
        // The length prefix is reserved for the longest encoding and shortened afterwards; these cross its sizes.
        var text = new string(fill, chars);
        LogLineRecord[] lines = [new(BaseTime, LogSeverity.Info, text, text), new(BaseTime, LogSeverity.Warn, "after", "next")];

        var (bytes, _) = LogChunk.Encode(lines, new ArrayBufferWriter<byte>());
        var decoded = new List<StoredLogLine>();
        LogChunk.Decode(bytes, 1, 0, null, 10, decoded);

        Assert.Equal([text, "next"], decoded.Select(line => line.Message));
        Assert.Equal([text, "after"], decoded.Select(line => line.Source));
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
    public void Decode_NotAChunk_CorruptStoredDataException(string text)
    {
        var decoded = new List<StoredLogLine>();

        var exception = Assert.Throws<CorruptStoredDataException>(() => LogChunk.Decode(Encoding.UTF8.GetBytes(text), 1, 0, null, 10, decoded));

        Assert.Equal("a stored log chunk is not in the expected format", exception.Message);
    }

    [Fact]
    public void Decode_JsonChunkFromEarlierBuilds_ReadsItsLines()
    {
        // The format the V3 migration and earlier builds wrote; those rows stay until retention prunes them.
        var json = "[[1700000000000,2,\"agent\",\"hello\"],[1700000001000,4,\"\",\"a \\\"b\\\"\"]]"u8.ToArray();

        var decoded = new List<StoredLogLine>();
        LogChunk.Decode(json, 7, 0, null, 10, decoded);

        Assert.Equal([7L, 8], decoded.Select(line => line.Sequence));
        Assert.Equal([BaseTime, BaseTime.AddSeconds(1)], decoded.Select(line => line.Timestamp));
        Assert.Equal([(LogSeverity)2, (LogSeverity)4], decoded.Select(line => line.Level));
        Assert.Equal(["hello", "a \"b\""], decoded.Select(line => line.Message));
    }

    [Fact]
    public void Encode_TypicalLines_AtMostTenBytesBeyondTheMessagePerLine()
    {
        // The bench's lines. JSON spent 29 bytes per line beyond the message; every stored byte is written three times.
        var lines = Enumerable.Range(0, 100).Select(i => new LogLineRecord(BaseTime.AddMilliseconds(i), LogSeverity.Info, "bench", $"GET /api/items/{i} 200 OK in 3 ms; upstream=cache-1 bytes=5120 user-agent=bench/1.0")).ToArray();

        var (bytes, _) = LogChunk.Encode(lines, new ArrayBufferWriter<byte>());

        var overhead = bytes.Length - lines.Sum(line => Encoding.UTF8.GetByteCount(line.Message));
        Assert.InRange(overhead, 100, 100 * 10);
    }

    [Fact]
    public void Decode_TimestampOutsideDateTimeOffset_CorruptStoredDataException()
    {
        // Tag, then a zigzag varint of long.MaxValue / 2: far beyond year 9999 in unix ms.
        byte[] chunk = [0x01, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x02, 0x00, 0x00];
        var decoded = new List<StoredLogLine>();

        var exception = Assert.Throws<CorruptStoredDataException>(() => LogChunk.Decode(chunk, 1, 0, null, 10, decoded));

        Assert.Equal("a stored log chunk is not in the expected format", exception.Message);
        Assert.Empty(decoded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_EveryTruncationAndByteFlip_DecodesAPrefixOrCorruptStoredDataException(bool json)
    {
        LogLineRecord[] lines =
        [
            new(BaseTime, LogSeverity.Info, "agent", "first line"),
            new(BaseTime.AddMilliseconds(-3), LogSeverity.Error, "ядро", "🚀 second"),
            new(BaseTime.AddDays(400), LogSeverity.Debug, string.Empty, new string('x', 300)),
        ];
        var bytes = json
            ? Encoding.UTF8.GetBytes($"[[1700000000000,2,\"agent\",\"first line\"],[1699999999997,4,\"ядро\",\"🚀 \\\"second\\\"\"],[1734560000000,1,\"\",\"{new string('x', 300)}\"]]")
            : LogChunk.Encode(lines, new ArrayBufferWriter<byte>()).Bytes;

        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        void Check(byte[] chunk)
        {
            var decoded = new List<StoredLogLine>();
            try
            {
                LogChunk.Decode(chunk, 1, 0, null, 10, decoded);
                Assert.InRange(decoded.Count, 0, lines.Length);
                outcomes["decoded"] = outcomes.GetValueOrDefault("decoded") + 1;
            }
            catch (CorruptStoredDataException)
            {
                outcomes["refused"] = outcomes.GetValueOrDefault("refused") + 1;
            }
        }

        for (var length = 0; length < bytes.Length; length++)
        {
            Check(bytes[..length]);
        }

        for (var at = 0; at < bytes.Length; at++)
        {
            foreach (var value in new byte[] { 0x00, 0x7F, 0x80, 0xFF })
            {
                var flipped = (byte[])bytes.Clone();
                flipped[at] = value;
                Check(flipped);
            }
        }

        // Both outcomes occur, and nothing else (an IndexOutOfRange or ArgumentOutOfRange would have failed the test).
        Assert.True(outcomes.GetValueOrDefault("decoded") > 0 && outcomes.GetValueOrDefault("refused") > 0);
    }
}
