namespace SandboxControl.Server.Authorization;

/// <summary>An operator's role from configuration. Ordered: ADMIN can do everything VIEWER can.</summary>
internal enum OperatorRole
{
    Viewer = 1,
    Admin = 2,
}
