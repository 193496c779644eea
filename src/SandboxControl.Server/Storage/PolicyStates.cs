namespace SandboxControl.Server.Storage;

/// <summary>The effective state of a policy version; engine-independent so every store answers the same.</summary>
internal static class PolicyStates
{
    /// <summary>
    /// The newest version shows what was reported for it (Pending until a report). An older version is Superseded,
    /// except a Failed one stays Failed and the active version (newest reported Loaded) stays Loaded while the
    /// newest is not yet Loaded: it is what the sandbox still runs.
    /// </summary>
    public static PolicyState Effective(long version, long currentVersion, PolicyState? reported, long activeVersion)
    {
        if (version == currentVersion)
        {
            return reported ?? PolicyState.Pending;
        }

        if (reported == PolicyState.Failed)
        {
            return PolicyState.Failed;
        }

        return version == activeVersion ? PolicyState.Loaded : PolicyState.Superseded;
    }

    /// <summary>A sandbox's history, newest version first, each with its effective state (<see cref="Effective"/>).</summary>
    public static List<PolicyHistoryRecord> History(List<(PolicyRecord Policy, PolicyState? Reported)> newestFirst)
    {
        if (newestFirst.Count == 0)
        {
            return [];
        }

        var currentVersion = newestFirst[0].Policy.Version;
        var activeVersion = newestFirst.Find(static row => row.Reported == PolicyState.Loaded).Policy?.Version ?? 0;
        return newestFirst.ConvertAll(row => new PolicyHistoryRecord(
            row.Policy,
            Effective(row.Policy.Version, currentVersion, row.Reported, activeVersion)));
    }
}
