using Xunit;

namespace SandboxControl.Tests.Storage;

/// <summary>A PostgreSQL-only test; skipped or failed like <see cref="PostgresEngineAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = PostgresTestDatabase.SkipReason;
    }
}
