using System.Diagnostics;
using System.Globalization;
using SandboxControl.Server.Hosting;
using SandboxControl.Tests.Pki;
using Xunit;

namespace SandboxControl.Tests.Hosting;

/// <summary>The group lookup the key-permission check relies on, compared with what the OS tools say.</summary>
public sealed class UnixFileOwnerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void GroupOf_FileChownedToGroup_ReturnsThatGroup_ByPathAndHandle()
    {
        var path = _directory.File("key.pem");
        File.WriteAllText(path, "k");
        Run("chown", ":4242", path);

        using var handle = File.OpenHandle(path);
        Assert.Equal(4242u, UnixFileOwner.GroupOf(path));
        Assert.Equal(4242u, UnixFileOwner.GroupOf(handle));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void EffectiveGroupId_MatchesIdCommand() =>
        Assert.Equal(uint.Parse(Run("id", "-g").Trim(), CultureInfo.InvariantCulture), UnixFileOwner.EffectiveGroupId());

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void IsExposed_GroupReadableByAnotherGroup_Exposed_OwnerOnly_NotExposed()
    {
        var groupReadable = _directory.File("group.key");
        var ownerOnly = _directory.File("owner.key");
        File.WriteAllText(groupReadable, "k");
        File.WriteAllText(ownerOnly, "k");
        Run("chown", ":4242", groupReadable);
        File.SetUnixFileMode(groupReadable, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        File.SetUnixFileMode(ownerOnly, UnixFileMode.UserRead);

        using var handle = File.OpenHandle(groupReadable);
        Assert.True(FilePermissions.IsExposed(groupReadable));
        Assert.True(FilePermissions.IsExposed(handle));
        Assert.False(FilePermissions.IsExposed(ownerOnly));
    }

    public void Dispose() => _directory.Dispose();

    private static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
