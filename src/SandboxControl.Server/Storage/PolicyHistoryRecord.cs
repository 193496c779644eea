namespace SandboxControl.Server.Storage;

internal sealed record PolicyHistoryRecord(PolicyRecord Policy, PolicyState State);
