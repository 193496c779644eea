using System.Reflection;
using Xunit.Sdk;

namespace SandboxControl.Tests.Storage;

/// <summary>
/// A store theory's PostgreSQL case, against the server named by SANDBOXCONTROL_TEST_POSTGRES. Skipped with a reason
/// when that is unset, except in CI (CI=true), where the case runs and fails so a missing database cannot pass unseen.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresEngineAttribute : DataAttribute
{
    public PostgresEngineAttribute()
    {
        Skip = PostgresTestDatabase.SkipReason;
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreEngine.Postgres]];
}
