using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SandboxControl.Server.DevMode;

/// <summary>After start in dev mode, says how to call the server with the generated certificates.</summary>
internal static partial class DevModeHints
{
    public static void LogIfActive(WebApplication app)
    {
        if (app.Services.GetService<DevModePaths>() is not { } paths)
        {
            return;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "https://127.0.0.1:7443";
        var hostPort = new Uri(address).Authority;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SandboxControl.DevMode");
        // Relative to the repository root, where the README's commands are run (dotnet run's working directory is the project).
        var relative = Path.GetRelativePath(paths.RootDirectory, paths.CertificateDirectory);
        var grpcurl = $"grpcurl -cacert {relative}/ca.crt -cert {relative}/sandbox-demo.crt -key {relative}/sandbox-demo.key "
            + $"-import-path protos -proto sandboxcontrol/v1/sandbox_control.proto -d '{{\"sandbox_id\":\"{DevModePaths.DemoSandboxId}\"}}' "
            + $"{hostPort} sandboxcontrol.v1.SandboxControl/GetSandboxPolicy";
        DevModeReady(logger, address, relative, DevModePaths.TrustDomain, grpcurl);
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message =
        "Dev mode: listening on {Address} (mTLS only). Certificates in {CertificateDirectory} (trust domain {TrustDomain}): "
        + "ca.crt, operator-admin.crt/.key (ADMIN), operator-issuer.crt/.key (ISSUER: sandboxctl sandboxes issue-cert), "
        + "sandbox-demo.crt/.key (sandbox 'demo'). Try: {GrpcurlCommand}")]
    private static partial void DevModeReady(ILogger logger, string address, string certificateDirectory, string trustDomain, string grpcurlCommand);
}
