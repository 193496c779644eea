namespace SandboxControl.Server.Identity;

internal enum CallerKind
{
    Sandbox,
    Operator,
}
