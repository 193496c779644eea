using Microsoft.Extensions.Options;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Issuance;
using SandboxControl.Server.Policies;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.LogCommit;

namespace SandboxControl.Server.Services;

/// <summary>
/// The gRPC handlers. Thin by design: by the time one runs, the interceptor has authenticated the
/// caller and checked sandbox_id against the access rule; handlers validate arguments, call the
/// store and map results. Split by area into partial files.
/// </summary>
internal sealed partial class SandboxControlService(
    ISandboxStore store,
    CurrentPolicyCache policyCache,
    LogFeed logFeed,
    LogCommitQueue logCommits,
    SandboxCertificateIssuer issuer,
    IAuditSink audit,
    AuditFileReader auditReader,
    Audit.Index.AuditIndexing auditIndexing,
    FollowStreamLimiter followLimiter,
    IOptions<LimitsOptions> limits,
    IOptions<IdentityOptions> identity,
    IOptions<IssuanceOptions> issuance,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SandboxControlService> logger,
    PolicyValidator policyValidator) : V1.SandboxControl.SandboxControlBase
{
    private readonly LimitsOptions _limits = limits.Value;
    private readonly IdentityOptions _identity = identity.Value;
    private readonly IssuanceOptions _issuance = issuance.Value;

    private bool SandboxExists(string sandboxId) => store.GetSandboxCreatedAt(sandboxId) is not null;
}
