using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SandboxControl.Server.Hosting;

/// <summary>
/// The group owning a file and the process's effective group, which .NET does not expose. statx is used (not stat)
/// because its struct layout is the same on every Linux architecture. Anything unexpected answers null, so the caller
/// treats the file as exposed (fail closed).
/// </summary>
internal static partial class UnixFileOwner
{
    private const int AtFdCwd = -100;
    private const int StatxBasicStats = 0x7ff;
    private const int StatxGidOffset = 24;
    private const int AtEmptyPath = 0x1000;

    public static uint? GroupOf(string path) => GroupOf(AtFdCwd, path, 0);

    public static uint? GroupOf(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return GroupOf((int)handle.DangerousGetHandle(), "", AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static uint? GroupOf(int directoryFd, string path, int flags)
    {
        if (!OperatingSystem.IsLinux() || !BitConverter.IsLittleEndian)
        {
            return null;
        }

        var buffer = new byte[256];
        try
        {
            return Statx(directoryFd, path, flags, StatxBasicStats, buffer) == 0 ? BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(StatxGidOffset)) : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    public static uint? EffectiveGroupId()
    {
        if (!OperatingSystem.IsLinux() || !BitConverter.IsLittleEndian)
        {
            return null;
        }

        try
        {
            return GetEffectiveGroupId();
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Statx(int directoryFd, string path, int flags, int mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "getegid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial uint GetEffectiveGroupId();
}
