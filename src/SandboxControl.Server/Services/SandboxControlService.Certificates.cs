using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SandboxControl.Pki;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Storage;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

internal sealed partial class SandboxControlService
{
    // Same text as the interceptor's: a renewal that loses a race with a revocation or a re-creation learns no more.
    private const string NotAccepted = "client certificate not accepted";

    public override async Task<IssueSandboxCertificateResponse> IssueSandboxCertificate(IssueSandboxCertificateRequest request, ServerCallContext context)
    {
        EnsureIssuanceConfigured();

        // A certificate for a sandbox that does not exist would be refused anyway; say so now.
        var sandbox = store.GetSandboxEntry(request.SandboxId);
        if (sandbox is null)
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        using var certificate = SignCsr(request.SandboxId, request.CsrPem);
        var outcome = await RecordAsync(context, request.SandboxId, sandbox.Incarnation, null, certificate).ConfigureAwait(false);
        if (outcome != CertificateRecordOutcome.Recorded)
        {
            // Deleted (or deleted and re-created) while we signed: this certificate is never handed out.
            RpcErrors.NotFound(request.SandboxId);
        }

        await RecordCertificateEventAsync(context, request.SandboxId, "certificate issued from an issuer-submitted CSR", certificate.SerialNumber).ConfigureAwait(false);
        Log.CertificateIssued(logger, request.SandboxId, certificate.SerialNumber);
        return ToResponse(certificate);
    }

    public override async Task<IssueSandboxCertificateResponse> RenewSandboxCertificate(RenewSandboxCertificateRequest request, ServerCallContext context)
    {
        EnsureIssuanceConfigured();

        // The interceptor has already refused other sandboxes' ids (SELF), deleted sandboxes, unrecorded, revoked,
        // deny-listed or expired certificates. The identity signed is the caller's own, as proven by its certificate.
        var caller = context.GetCaller();
        if (caller.Kind != CallerKind.Sandbox || caller.Name != request.SandboxId)
        {
            // Unreachable behind the SELF rule; refuse rather than sign for someone else.
            throw new RpcException(new Status(StatusCode.PermissionDenied, "a sandbox may only renew its own certificate"));
        }

        var incarnation = context.GetPinnedIncarnation()!;
        using var certificate = SignCsr(caller.Name, request.CsrPem);
        // The parent is recorded so that revoking any ancestor revokes this one too; the store refuses a renewal from
        // a lineage revoked (or an incarnation ended) since the interceptor's check.
        var outcome = await RecordAsync(context, caller.Name, incarnation, caller.SerialNumber, certificate).ConfigureAwait(false);
        if (outcome != CertificateRecordOutcome.Recorded)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, NotAccepted));
        }

        // The old serial (the caller's) and the new one in one event: revoking a sandbox's certificates means following this chain.
        await RecordCertificateEventAsync(context, caller.Name, "certificate renewed from " + caller.SerialNumber, certificate.SerialNumber).ConfigureAwait(false);
        Log.CertificateRenewed(logger, caller.Name, caller.SerialNumber, certificate.SerialNumber);
        return ToResponse(certificate);
    }

    public override async Task<RevokeSandboxCertificateResponse> RevokeSandboxCertificate(RevokeSandboxCertificateRequest request, ServerCallContext context)
    {
        var serial = CertificateSerials.Normalize(request.SerialNumber);
        if (serial is null)
        {
            RpcErrors.InvalidArgument("serial_number must be a hex serial number (as ListSandboxCertificates shows it)");
        }

        var revocation = await store.RevokeCertificateLineageAsync(serial, context.CancellationToken).ConfigureAwait(false);
        if (revocation is null)
        {
            RpcErrors.NotFoundWhat($"no certificate with serial {serial} was issued by this server");
        }

        try
        {
            await RecordCertificateEventAsync(
                context,
                revocation.SandboxId,
                string.Create(CultureInfo.InvariantCulture, $"revoked {serial} and its descendants ({revocation.RevokedSerialNumbers.Count} certificates)"),
                issuedSerial: null).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The decision was audited before the handler ran and the revocation is in force: answering Unavailable
            // would tell the operator it did not happen. The detail event is lost; the database keeps revoked_at.
            Log.RevocationDetailNotAudited(logger, revocation.SandboxId, serial);
        }

        Log.CertificateLineageRevoked(logger, revocation.SandboxId, serial, revocation.RevokedSerialNumbers.Count);
        var response = new RevokeSandboxCertificateResponse { SandboxId = revocation.SandboxId };
        response.RevokedSerialNumbers.AddRange(revocation.RevokedSerialNumbers);
        return response;
    }

    public override async Task<ListSandboxCertificatesResponse> ListSandboxCertificates(ListSandboxCertificatesRequest request, ServerCallContext context)
    {
        var certificates = await store.ListCertificatesAsync(request.SandboxId, context.CancellationToken).ConfigureAwait(false);
        if (certificates is null)
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        var response = new ListSandboxCertificatesResponse();
        response.Certificates.AddRange(certificates.Select(certificate => certificate.ToProto()));
        return response;
    }

    /// <summary>Records the signed certificate; at the live-certificate limit the call ends here, ResourceExhausted.</summary>
    private async Task<CertificateRecordOutcome> RecordAsync(
        ServerCallContext context, string sandboxId, string incarnation, string? parentSerial, X509Certificate2 certificate)
    {
        var outcome = await store.RecordCertificateAsync(
            new CertificateRecord(
                certificate.SerialNumber,
                sandboxId,
                incarnation,
                parentSerial,
                new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
                new DateTimeOffset(certificate.NotAfter.ToUniversalTime()),
                context.GetCaller().ToString(),
                null),
            _issuance.MaxLiveCertificatesPerSandbox,
            context.CancellationToken).ConfigureAwait(false);
        return outcome == CertificateRecordOutcome.TooManyLive ? throw await TooManyLiveAsync(context, sandboxId).ConfigureAwait(false) : outcome;
    }

    /// <summary>
    /// Audits a refusal at the live-certificate limit (which stops one sandbox renewing in a loop from growing the
    /// allow list and the table without bound) and returns the exception to throw. The certificate signed for it was
    /// not recorded, so it is never accepted. Not logged: like the interceptor's refusals it is in the audit
    /// (`sandboxctl audit --denied`), and a log line per refusal would let a sandbox write lines at its rate limit.
    /// </summary>
    private async Task<RpcException> TooManyLiveAsync(ServerCallContext context, string sandboxId)
    {
        var limit = _issuance.MaxLiveCertificatesPerSandbox;
        var message = string.Create(
            CultureInfo.InvariantCulture, $"sandbox '{sandboxId}' already has {limit} unexpired certificates; revoke some or wait for them to expire");
        await RecordCertificateEventAsync(context, sandboxId, message, issuedSerial: null, StatusCode.ResourceExhausted).ConfigureAwait(false);
        return new RpcException(new Status(StatusCode.ResourceExhausted, message));
    }

    /// <summary>
    /// One audit event for a certificate's issuance, renewal (with its new serial), revocation or refusal (a status other
    /// than OK), failing closed: an issued certificate the audit trail does not know of is not handed out.
    /// </summary>
    private Task RecordCertificateEventAsync(
        ServerCallContext context, string sandboxId, string reason, string? issuedSerial, StatusCode status = StatusCode.OK)
    {
        var caller = context.GetCaller();
        var rpc = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        return audit.WriteOrRefuseAsync(
            new AuditEvent(time.GetUtcNow(), caller.ToString(), caller.SerialNumber, rpc, sandboxId, status == StatusCode.OK, status.ToString(), reason, issuedSerial),
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
