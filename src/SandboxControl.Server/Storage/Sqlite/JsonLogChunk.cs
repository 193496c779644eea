using System.Text.Json;

namespace SandboxControl.Server.Storage.Sqlite;

/// <summary>
/// The chunk format written before <see cref="LogChunk"/>'s binary one, and still by the V3 migration: a UTF-8 JSON
/// array of <c>[unix ms, level, source, message]</c>. Only read; rows in it stay until retention prunes them.
/// </summary>
internal static class JsonLogChunk
{
    /// <summary>See <see cref="LogChunk.Decode"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> chunk, long firstSequence, long after, long? since, int limit, List<StoredLogLine> into)
    {
        ArgumentNullException.ThrowIfNull(into);

        try
        {
            DecodeLines(chunk, firstSequence, after, since, limit, into);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            // A number that is no int64, a string that is no UTF-8, a timestamp outside DateTimeOffset's range.
            throw LogChunk.Corrupt();
        }
    }

    private static void DecodeLines(ReadOnlySpan<byte> chunk, long firstSequence, long after, long? since, int limit, List<StoredLogLine> into)
    {
        var reader = new Utf8JsonReader(chunk);
        Expect(ref reader, JsonTokenType.StartArray);
        for (var sequence = firstSequence; into.Count < limit; sequence++)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw LogChunk.Corrupt();
            }

            Expect(ref reader, JsonTokenType.Number);
            var timestamp = reader.GetInt64();
            Expect(ref reader, JsonTokenType.Number);
            var level = reader.GetInt32();
            var wanted = sequence > after && (since is null || timestamp >= since);
            Expect(ref reader, JsonTokenType.String);
            var source = wanted ? reader.GetString()! : null;
            Expect(ref reader, JsonTokenType.String);
            var message = wanted ? reader.GetString()! : null;
            Expect(ref reader, JsonTokenType.EndArray);

            if (wanted)
            {
                into.Add(new StoredLogLine(sequence, StoreRows.FromUnixMs(timestamp), (LogSeverity)level, source!, message!));
            }
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        Read(ref reader);
        if (reader.TokenType != type)
        {
            throw LogChunk.Corrupt();
        }
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        try
        {
            if (reader.Read())
            {
                return;
            }
        }
        catch (JsonException)
        {
        }

        throw LogChunk.Corrupt();
    }

}
