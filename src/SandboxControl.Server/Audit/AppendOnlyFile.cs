using System.Globalization;
using System.Runtime.InteropServices;

namespace SandboxControl.Server.Audit;

/// <summary>
/// A file opened with O_APPEND and written with one unbuffered write(2) per call. .NET's FileMode.Append seeks to
/// the end instead of setting O_APPEND, which a `chattr +a` file refuses; and a FileStream keeps bytes it failed to
/// write in its buffer and writes them on the next flush — a refused event would later appear as recorded.
/// </summary>
internal sealed partial class AppendOnlyFile : IDisposable
{
    private const int OWriteOnly = 0x1;
    private const int OCreate = 0x40;
    private const int OAppend = 0x400;
    private const int OCloseOnExec = 0x80000;
    private const int SeekEnd = 2;
    private const int Eintr = 4;
    private const int OwnerReadWrite = 0x180; // 0600

    private int _fd;

    private AppendOnlyFile(int fd, string path)
    {
        _fd = fd;
        Path = path;
        OpenedAs = CurrentTarget();
    }

    public string Path { get; }

    /// <summary>What /proc/self/fd says the descriptor points at when opened; a change means deleted or renamed.</summary>
    public string? OpenedAs { get; }

    /// <summary>Opens (creating 0600) for append; throws <see cref="IOException"/> with the OS reason.</summary>
    public static AppendOnlyFile Open(string path)
    {
        var fd = NativeOpen(path, OWriteOnly | OCreate | OAppend | OCloseOnExec, OwnerReadWrite);
        if (fd < 0)
        {
            throw Failure("open", Marshal.GetLastPInvokeError());
        }

        return new AppendOnlyFile(fd, path);
    }

    /// <summary>True if the path no longer names the inode we hold open (rm, logrotate's rename).</summary>
    public bool IsDetached()
    {
        var now = CurrentTarget();
        return OpenedAs is not null && !string.Equals(now, OpenedAs, StringComparison.Ordinal);
    }

    public long Length()
    {
        var end = NativeSeek(_fd, 0, SeekEnd);
        return end < 0 ? throw Failure("lseek", Marshal.GetLastPInvokeError()) : end;
    }

    /// <summary>Appends all of <paramref name="bytes"/> (retrying short writes), then fsyncs if asked to.</summary>
    public unsafe void AppendDurably(ReadOnlySpan<byte> bytes, bool fsync)
    {
        fixed (byte* start = bytes)
        {
            var written = 0;
            while (written < bytes.Length)
            {
                var n = NativeWrite(_fd, start + written, (nuint)(bytes.Length - written));
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Eintr)
                    {
                        continue;
                    }

                    throw Failure("write", errno);
                }

                written += (int)n;
            }
        }

        if (fsync && NativeFsync(_fd) != 0)
        {
            throw Failure("fsync", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Cuts the file back to <paramref name="length"/>; false if refused (e.g. an append-only file).</summary>
    public bool TryTruncate(long length) => NativeFtruncate(_fd, length) == 0;

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = NativeClose(fd);
        }
    }

    private string? CurrentTarget()
    {
        try
        {
            return new FileInfo(string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{_fd}")).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static IOException Failure(string operation, int errno) =>
        new($"{operation} failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeOpen(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint NativeWrite(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int NativeFsync(int fd);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long NativeSeek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int NativeFtruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int NativeClose(int fd);
}
