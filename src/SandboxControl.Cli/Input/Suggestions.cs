namespace SandboxControl.Cli.Input;

/// <summary>"did you mean": the closest known word within two edits.</summary>
internal static class Suggestions
{
    public static string DidYouMean(string typed, IEnumerable<string> known)
    {
        var best = known
            .Select(candidate => (Candidate: candidate, Distance: Distance(typed, candidate)))
            .Where(pair => pair.Distance <= 2)
            .OrderBy(pair => pair.Distance)
            .FirstOrDefault();
        return best.Candidate is null ? "" : $"; did you mean \"{best.Candidate}\"?";
    }

    // Optimal string alignment distance: a swapped pair of letters ("srever") counts as one edit.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
