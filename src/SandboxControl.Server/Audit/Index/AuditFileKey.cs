using System.Security.Cryptography;

namespace SandboxControl.Server.Audit.Index;

/// <summary>
/// Names one audit file across renames and restarts: a hash of its first line. Every file starts with an event
/// that carries its own time (a new file after rm or rotation with the server/audit-file event), so two files do
/// not share a first line.
/// </summary>
internal static class AuditFileKey
{
    public static string Of(ReadOnlySpan<byte> firstLine) => Convert.ToHexStringLower(SHA256.HashData(firstLine))[..32];

    /// <summary>The key of the file now at <paramref name="path"/>, or null while it has no whole first line.</summary>
    public static string? OfFileAt(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[64 * 1024];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var end = buffer.AsSpan(0, read).IndexOf((byte)'\n');
        return end < 0 ? null : Of(buffer.AsSpan(0, end));
    }
}
