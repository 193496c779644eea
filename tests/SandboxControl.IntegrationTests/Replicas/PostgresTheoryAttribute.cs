using Xunit;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>As <see cref="PostgresFactAttribute"/>, for a theory.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        Skip = ReplicaDatabase.SkipReason;
    }
}
