using SandboxControl.Client;
using SandboxControl.Client.Errors;
using SandboxControl.Client.Logs;
using SandboxControl.Client.Policies;
using SandboxSupervisor;

// A sandbox supervisor in a few lines: fetch the policy, report it loaded, read the credentials,
// push logs, watch for a new policy version and renew the certificate.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(SupervisorSettings.Usage);
    return 0;
}

SupervisorSettings settings;
try
{
    settings = SupervisorSettings.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return 2;
}

SandboxClient created;
try
{
    created = SandboxClient.Create(new SandboxClientOptions
    {
        ServerAddress = settings.Server,
        CertificatePath = settings.CertificatePath,
        KeyPath = settings.KeyPath,
        CaBundlePath = settings.CaPath,
    });
}
catch (SandboxControlException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return 2;
}

await using var client = created;
client.CertificateChanged += (_, e) => Console.WriteLine($"certificate now {e.Certificate.SerialNumber}, valid until {e.Certificate.NotAfter:u} ({e.Reason})");
Console.WriteLine($"sandbox '{client.SandboxId}' (from {client.Identity.SpiffeId}), certificate {client.Certificate.SerialNumber} valid until {client.Certificate.NotAfter:u}");

try
{
    var policy = await client.GetPolicyAsync();
    Console.WriteLine($"policy version {policy.Version} by {policy.CreatedBy}:\n{policy.Document}");
    var status = await client.ReportPolicyStatusAsync(policy.Version, PolicyState.Loaded);
    Console.WriteLine($"reported version {status.Version} loaded; active version {status.ActiveVersion}");

    var environment = await client.GetProviderEnvironmentAsync();
    // Names only: credential values are never printed.
    Console.WriteLine($"provider environment: {string.Join(", ", environment.Keys)}");

    await using var watcher = client.WatchPolicy(new PolicyWatcherOptions { Interval = TimeSpan.FromSeconds(2) });
    watcher.PolicyChanged += (_, e) => Console.WriteLine($"policy changed: version {e.PreviousVersion} -> {e.Policy.Version}");

    await using var logs = client.CreateLogSink();
    logs.Write(LogSeverity.Info, "supervisor", "supervisor started with policy version " + policy.Version);

    // Renewal normally happens by itself at two thirds of the lifetime; here once, now, to show it.
    var before = client.Certificate.SerialNumber;
    var renewed = await client.RenewCertificateAsync();
    Console.WriteLine($"renewed {before} -> {renewed.SerialNumber} (new key kept in memory only)");
    Console.WriteLine($"policy read with the renewed certificate: version {(await client.GetPolicyAsync()).Version}");

    var stop = DateTime.UtcNow + settings.RunFor;
    for (var beat = 1; DateTime.UtcNow < stop; beat++)
    {
        logs.Write(LogSeverity.Info, "supervisor", "heartbeat " + beat);
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    await logs.FlushAsync();
    Console.WriteLine($"log lines pushed {logs.SentLines}, dropped {logs.DroppedLines}; see them with: sandboxctl logs {client.SandboxId}");
    return 0;
}
catch (ServerRefusedException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return 1;
}
catch (SandboxControlException ex)
{
    // Unreachable, handshake refused, certificate expired: nothing was served.
    Console.Error.WriteLine("error: " + ex.Message);
    return 3;
}
