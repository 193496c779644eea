using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SandboxControl.Pki;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

internal sealed partial class SandboxControlService
{
    public override Task<IssueSandboxCertificateResponse> IssueSandboxCertificate(IssueSandboxCertificateRequest request, ServerCallContext context)
    {
        if (!issuer.IsConfigured)
        {
            RpcErrors.FailedPrecondition("certificate issuance is not configured on this server (Issuance:CaCertificatePath)");
        }

        // A certificate for a sandbox that does not exist would be refused anyway; say so now.
        if (!SandboxExists(request.SandboxId))
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        PublicKey publicKey;
        try
        {
            publicKey = CertificateSigningRequests.Validate(request.CsrPem);
        }
        catch (CertificateRequestRejectedException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }

        using var certificate = issuer.Issue(request.SandboxId, publicKey);
        Log.CertificateIssued(logger, request.SandboxId, certificate.SerialNumber);
        return Task.FromResult(new IssueSandboxCertificateResponse
        {
            CertificatePem = certificate.ExportCertificatePem(),
            IssuingCaPem = issuer.IssuingCaPem,
            SerialNumber = certificate.SerialNumber,
            NotBefore = Timestamp.FromDateTime(certificate.NotBefore.ToUniversalTime()),
            NotAfter = Timestamp.FromDateTime(certificate.NotAfter.ToUniversalTime()),
        });
    }
}
