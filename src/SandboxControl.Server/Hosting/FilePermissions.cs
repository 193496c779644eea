using Microsoft.Win32.SafeHandles;

namespace SandboxControl.Server.Hosting;

/// <summary>The one check for secret files (private keys, the secrets key): no access for group or others.</summary>
internal static class FilePermissions
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static bool IsExposed(string path) => !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0;

    public static bool IsExposed(SafeFileHandle handle) => !OperatingSystem.IsWindows() && (File.GetUnixFileMode(handle) & GroupOrOther) != 0;
}
