namespace SandboxControl.Cli.Output;

/// <summary>Prints rows as left-aligned columns separated by two spaces, like <c>kubectl get</c>.</summary>
internal static class TableWriter
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var cleaned = rows.Select(row => row.Select(TextSanitizer.Clean).ToArray()).ToList();
        var widths = headers.Select(header => header.Length).ToArray();
        foreach (var row in cleaned)
        {
            for (var column = 0; column < widths.Length && column < row.Length; column++)
            {
                widths[column] = Math.Max(widths[column], row[column].Length);
            }
        }

        await output.WriteLineAsync(Format(headers, widths));
        foreach (var row in cleaned)
        {
            await output.WriteLineAsync(Format(row, widths));
        }
    }

    /// <summary>Prints name/value pairs as two aligned columns without a header.</summary>
    public static async Task WritePairsAsync(TextWriter output, IEnumerable<(string Name, string Value)> pairs)
    {
        var list = pairs.ToList();
        var width = list.Count == 0 ? 0 : list.Max(pair => pair.Name.Length);
        foreach (var (name, value) in list)
        {
            await output.WriteLineAsync(name.PadRight(width) + "  " + TextSanitizer.Clean(value));
        }
    }

    private static string Format(IReadOnlyList<string> cells, int[] widths)
    {
        var padded = cells.Select((cell, column) => column == cells.Count - 1 ? cell : cell.PadRight(widths[column]));
        return string.Join("  ", padded).TrimEnd();
    }
}
