namespace SandboxControl.Cli.Commands.Apply;

/// <summary>One file's line of the plan: the sandbox, what would happen, and from which version.</summary>
internal sealed record PlanEntry(string File, string SandboxId, PlanAction Action, long CurrentVersion, string Document, string Detail);
