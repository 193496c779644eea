using System.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Issuance;
using SandboxControl.Server.Storage;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

/// <summary>Read-only answers about the caller and the server (whoami, server status, credential names).</summary>
internal sealed partial class SandboxControlService
{
    public override async Task<ListSandboxProviderEnvironmentNamesResponse> ListSandboxProviderEnvironmentNames(
        ListSandboxProviderEnvironmentNamesRequest request, ServerCallContext context)
    {
        var variables = await store.GetProviderEnvironmentAsync(request.SandboxId, context.CancellationToken).ConfigureAwait(false);
        if (variables is null)
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        // Names only: operators may see which credentials are set, never a value.
        var response = new ListSandboxProviderEnvironmentNamesResponse();
        response.Names.AddRange(variables.Keys.Order(StringComparer.Ordinal));
        return response;
    }

    public override Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        // Resolved per call rather than through the constructor, which the other RPC areas share.
        var services = context.GetHttpContext().RequestServices;
        var trustDomain = services.GetRequiredService<IOptions<IdentityOptions>>().Value.TrustDomain;
        var isSandbox = caller.Kind == CallerKind.Sandbox;
        var role = !isSandbox && services.GetRequiredService<OperatorRoles>().TryGetRole(caller.Name, out var operatorRole)
            ? operatorRole.ToString().ToLowerInvariant()
            : "";
        return Task.FromResult(new WhoAmIResponse
        {
            Kind = isSandbox ? "sandbox" : "operator",
            Name = caller.Name,
            SpiffeId = $"spiffe://{trustDomain}/{(isSandbox ? "sandbox" : "operator")}/{caller.Name}",
            Role = role,
            CertificateSerial = caller.SerialNumber,
            CertificateNotAfter = Timestamp.FromDateTimeOffset(caller.NotAfter),
        });
    }

    public override async Task<ServerStatus> GetServerStatus(GetServerStatusRequest request, ServerCallContext context)
    {
        var services = context.GetHttpContext().RequestServices;
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(context.CancellationToken).ConfigureAwait(false);
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        return new ServerStatus
        {
            Version = typeof(SandboxControlService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            Health = report.Status == HealthStatus.Healthy ? "SERVING" : "NOT_SERVING",
            StorageEngine = storage.IsPostgres ? StorageOptions.PostgresProvider : StorageOptions.SqliteProvider,
            TrustDomain = services.GetRequiredService<IOptions<IdentityOptions>>().Value.TrustDomain,
            IssuanceEnabled = services.GetRequiredService<IOptions<IssuanceOptions>>().Value.IsConfigured,
        };
    }
}
