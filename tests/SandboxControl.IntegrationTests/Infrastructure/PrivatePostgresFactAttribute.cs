using Xunit;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>A test that stops and restarts its own PostgreSQL cluster: needs root and the server binaries (.ci/run installs them).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PrivatePostgresFactAttribute : FactAttribute
{
    public PrivatePostgresFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            Skip = "needs root on Linux to run a private PostgreSQL cluster as the postgres user; CI runs as root";
        }
        else if (PrivatePostgresCluster.FindBin() is null)
        {
            Skip = "PostgreSQL server binaries not installed (.ci/run installs Debian's postgresql)";
        }
    }
}
