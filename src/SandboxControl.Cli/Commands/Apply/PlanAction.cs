namespace SandboxControl.Cli.Commands.Apply;

/// <summary>What <c>apply</c> does with one file.</summary>
internal enum PlanAction
{
    Create,
    Update,
    Unchanged,
    Invalid,
}
