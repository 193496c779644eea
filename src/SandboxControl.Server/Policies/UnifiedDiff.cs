using System.Globalization;
using System.Text;
using DiffPlex;
using DiffPlex.Model;

namespace SandboxControl.Server.Policies;

/// <summary>
/// A unified diff (<c>diff -u</c> layout, three lines of context) between two documents. The line matching is
/// DiffPlex's; this only lays the blocks out as hunks. Linked into sandboxctl for <c>policy diff</c>.
/// </summary>
internal static class UnifiedDiff
{
    private const int Context = 3;

    /// <summary>Empty when the documents are equal.</summary>
    public static string Create(string oldText, string newText, string oldLabel, string newLabel)
    {
        var result = Differ.Instance.CreateDiffs(oldText, newText, false, false, Lines.Instance);
        if (result.DiffBlocks.Count == 0)
        {
            return string.Empty;
        }

        var output = new StringBuilder();
        output.Append("--- ").Append(oldLabel).Append('\n');
        output.Append("+++ ").Append(newLabel).Append('\n');
        foreach (var hunk in Hunks(result.DiffBlocks))
        {
            AppendHunk(output, result, hunk);
        }

        return output.ToString();
    }

    private static List<List<DiffBlock>> Hunks(IList<DiffBlock> blocks)
    {
        var hunks = new List<List<DiffBlock>>();
        foreach (var block in blocks)
        {
            if (hunks.Count > 0 && hunks[^1][^1] is var last && block.DeleteStartA - (last.DeleteStartA + last.DeleteCountA) <= 2 * Context)
            {
                hunks[^1].Add(block);
            }
            else
            {
                hunks.Add([block]);
            }
        }

        return hunks;
    }

    private static void AppendHunk(StringBuilder output, DiffResult result, List<DiffBlock> hunk)
    {
        var old = result.PiecesOld;
        var first = hunk[0];
        var last = hunk[^1];
        var startA = Math.Max(0, first.DeleteStartA - Context);
        var startB = first.InsertStartB - (first.DeleteStartA - startA);
        var endA = Math.Min(old.Count, last.DeleteStartA + last.DeleteCountA + Context);
        var endB = last.InsertStartB + last.InsertCountB + (endA - (last.DeleteStartA + last.DeleteCountA));
        output.Append(CultureInfo.InvariantCulture, $"@@ -{Range(startA, endA - startA)} +{Range(startB, endB - startB)} @@\n");

        var a = startA;
        foreach (var block in hunk)
        {
            for (; a < block.DeleteStartA; a++)
            {
                output.Append(' ').Append(old[a]).Append('\n');
            }

            for (var i = 0; i < block.DeleteCountA; i++)
            {
                output.Append('-').Append(old[block.DeleteStartA + i]).Append('\n');
            }

            for (var i = 0; i < block.InsertCountB; i++)
            {
                output.Append('+').Append(result.PiecesNew[block.InsertStartB + i]).Append('\n');
            }

            a = block.DeleteStartA + block.DeleteCountA;
        }

        for (; a < endA; a++)
        {
            output.Append(' ').Append(old[a]).Append('\n');
        }
    }

    /// <summary>Lines split at '\n' (a final newline ends the last line rather than starting an empty one).</summary>
    private sealed class Lines : IChunker
    {
        public static Lines Instance { get; } = new();

        public IReadOnlyList<string> Chunk(string text)
        {
            var lines = text.Split('\n');
            return lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines;
        }
    }

    // diff -u numbers lines from 1, and an empty range starts at the line before it.
    private static string Range(int start, int count) => count == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{start},0")
        : string.Create(CultureInfo.InvariantCulture, $"{start + 1},{count}");
}
