namespace SandboxControl.Client;

/// <summary>Exponential backoff with jitter, so a fleet of sandboxes does not reconnect in lockstep after a server restart.</summary>
internal static class Backoff
{
    /// <summary>A delay in [d/2, d] with d = min(maximum, initial * 2^attempt).</summary>
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan maximum)
    {
        var exponent = Math.Min(attempt, 30);
        var ceiling = Math.Min(maximum.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
#pragma warning disable CA5394 // Jitter, not security: Random is right here.
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
#pragma warning restore CA5394
    }

    /// <summary><paramref name="interval"/> ± 20 %.</summary>
    public static TimeSpan Jittered(TimeSpan interval)
    {
#pragma warning disable CA5394 // Jitter, not security.
        return interval * (0.8 + (Random.Shared.NextDouble() * 0.4));
#pragma warning restore CA5394
    }
}
