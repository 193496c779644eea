using Xunit;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>
/// A test that needs the PostgreSQL server named by SANDBOXCONTROL_TEST_POSTGRES. Skipped with a reason when that is
/// unset, except in CI (CI=true), where it runs and fails so a missing database cannot pass unseen.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = ReplicaDatabase.SkipReason;
    }
}
