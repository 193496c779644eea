using System.Text;

namespace SandboxControl.Bench;

/// <summary>A policy document of a given size, the same for every target.</summary>
internal static class PolicyDocument
{
    public static string Create(int bytes)
    {
        var text = new StringBuilder("# bench policy\nnetwork:\n  egress:\n");
        var rule = 0;
        while (text.Length < bytes)
        {
            text.Append("    - host: allowed-").Append(rule++).Append(".example.internal\n");
        }

        return text.ToString(0, Math.Max(bytes, 1));
    }
}
