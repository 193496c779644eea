using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SandboxControl.Pki;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Identity;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

internal sealed partial class SandboxControlService
{
    public override async Task<IssueSandboxCertificateResponse> IssueSandboxCertificate(IssueSandboxCertificateRequest request, ServerCallContext context)
    {
        EnsureIssuanceConfigured();

        // A certificate for a sandbox that does not exist would be refused anyway; say so now.
        if (!SandboxExists(request.SandboxId))
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        using var certificate = SignCsr(request.SandboxId, request.CsrPem);
        await RecordIssuedAsync(context, request.SandboxId, certificate, "certificate issued from an operator-submitted CSR").ConfigureAwait(false);
        Log.CertificateIssued(logger, request.SandboxId, certificate.SerialNumber);
        return ToResponse(certificate);
    }

    public override async Task<IssueSandboxCertificateResponse> RenewSandboxCertificate(RenewSandboxCertificateRequest request, ServerCallContext context)
    {
        EnsureIssuanceConfigured();

        // The interceptor has already refused other sandboxes' ids (SELF), deleted sandboxes and deny-listed
        // or expired certificates. The identity signed is the caller's own, as proven by its certificate.
        var caller = context.GetCaller();
        if (caller.Kind != CallerKind.Sandbox || caller.Name != request.SandboxId)
        {
            // Unreachable behind the SELF rule; refuse rather than sign for someone else.
            throw new RpcException(new Status(StatusCode.PermissionDenied, "a sandbox may only renew its own certificate"));
        }

        using var certificate = SignCsr(caller.Name, request.CsrPem);
        // The old serial (the caller's) and the new one in one event: revoking a sandbox's certificates means following this chain.
        await RecordIssuedAsync(context, caller.Name, certificate, "certificate renewed").ConfigureAwait(false);
        Log.CertificateRenewed(logger, caller.Name, caller.SerialNumber, certificate.SerialNumber);
        return ToResponse(certificate);
    }

    /// <summary>Before the certificate is returned: a certificate the audit trail does not know of is not handed out.</summary>
    private Task RecordIssuedAsync(ServerCallContext context, string sandboxId, X509Certificate2 certificate, string reason)
    {
        var caller = context.GetCaller();
        var rpc = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        return audit.WriteOrRefuseAsync(
            new AuditEvent(time.GetUtcNow(), caller.ToString(), caller.SerialNumber, rpc, sandboxId, true, nameof(StatusCode.OK), reason, certificate.SerialNumber),
            logger);
    }

    private void EnsureIssuanceConfigured()
    {
        if (!issuer.IsConfigured)
        {
            RpcErrors.FailedPrecondition("certificate issuance is not configured on this server (Issuance:CaCertificatePath)");
        }
    }

    /// <summary>Validates the CSR (self-signature, key strength) and signs only its public key; SAN, EKU and lifetime are ours.</summary>
    private X509Certificate2 SignCsr(string sandboxId, string csrPem)
    {
        PublicKey publicKey;
        try
        {
            publicKey = CertificateSigningRequests.Validate(csrPem);
        }
        catch (CertificateRequestRejectedException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }

        return issuer.Issue(sandboxId, publicKey);
    }

    private IssueSandboxCertificateResponse ToResponse(X509Certificate2 certificate) => new()
    {
        CertificatePem = certificate.ExportCertificatePem(),
        IssuingCaPem = issuer.IssuingCaPem,
        SerialNumber = certificate.SerialNumber,
        NotBefore = Timestamp.FromDateTime(certificate.NotBefore.ToUniversalTime()),
        NotAfter = Timestamp.FromDateTime(certificate.NotAfter.ToUniversalTime()),
    };
}
