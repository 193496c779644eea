namespace SandboxControl.Tests.Storage;

/// <summary>A clock the test sets; nothing else advances it.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
