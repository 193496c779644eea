using Microsoft.Win32.SafeHandles;

namespace SandboxControl.Server.Hosting;

/// <summary>
/// The one check for secret files (private keys, the secrets key): no access for others, and none for the group
/// either — except read access for the process's own (non-root) primary group, which is what a Kubernetes Secret
/// volume with <c>fsGroup</c> = <c>runAsGroup</c> produces (mode 0440, group fsGroup). Only members of that group,
/// i.e. this workload, can read such a file.
/// </summary>
internal static class FilePermissions
{
    private const UnixFileMode Other = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
    private const UnixFileMode GroupWriteOrExecute = UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;

    public static bool IsExposed(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & (Other | GroupWriteOrExecute)) != 0)
        {
            return true;
        }

        return (mode & UnixFileMode.GroupRead) != 0 && !OwnGroupOwns(path);
    }

    public static bool IsExposed(SafeFileHandle handle)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var mode = File.GetUnixFileMode(handle);
        if ((mode & (Other | GroupWriteOrExecute)) != 0)
        {
            return true;
        }

        return (mode & UnixFileMode.GroupRead) != 0 && !IsOwnGroup(UnixFileOwner.GroupOf(handle));
    }

    private static bool OwnGroupOwns(string path) => IsOwnGroup(UnixFileOwner.GroupOf(path));

    private static bool IsOwnGroup(uint? fileGroup) =>
        fileGroup is { } group && group != 0 && UnixFileOwner.EffectiveGroupId() == group;
}
