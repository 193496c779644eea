using Xunit;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>A fault test that mounts tmpfs or sets chattr flags: needs root (CI runs as root); skipped with that reason otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            Skip = "needs root on Linux (mount -t tmpfs, chattr); CI runs as root";
        }
    }
}
