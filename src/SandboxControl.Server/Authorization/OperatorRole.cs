namespace SandboxControl.Server.Authorization;

/// <summary>
/// An operator's role from configuration. ADMIN can do everything VIEWER can. ISSUER stands apart: it may only
/// have sandbox certificates issued, and neither implies nor is implied by the others, because a certificate
/// issued for a sandbox lets its holder act as that sandbox (and read its credentials).
/// </summary>
internal enum OperatorRole
{
    Viewer = 1,
    Admin = 2,
    Issuer = 3,
}
