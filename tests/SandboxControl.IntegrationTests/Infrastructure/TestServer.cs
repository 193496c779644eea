extern alias server;

using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SandboxControl.V1;
using SandboxControlApp = server::SandboxControl.Server.Hosting.SandboxControlApp;
using SecretsKeyFile = server::SandboxControl.Server.Secrets.SecretsKeyFile;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>
/// The real server: Kestrel on 127.0.0.1 port 0 with the test PKI, a SQLite file in a temp directory,
/// an audit file, and every log line captured. Started through the same code path as Program.cs.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string AdminName = "admin";
    public const string ViewerName = "viewer";
    public const string IssuerName = "issuer";

    private readonly WebApplication _app;
    private readonly List<GrpcChannel> _channels = [];

    private TestServer(WebApplication app, TestPki pki, string dataDirectory, CapturedLogs logs)
    {
        _app = app;
        Pki = pki;
        DataDirectory = dataDirectory;
        Logs = logs;
        Address = new Uri(app.Urls.Single());
        Admin = Client(pki.Operator(AdminName));
        Issuer = Client(pki.Operator(IssuerName));
    }

    public TestPki Pki { get; }

    public Uri Address { get; }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "store.db");

    public string AuditPath => Path.Combine(DataDirectory, "audit.log");

    public string DenyListPath => Path.Combine(DataDirectory, "deny-list.txt");

    public CapturedLogs Logs { get; }

    public V1.SandboxControl.SandboxControlClient Admin { get; }

    /// <summary>An operator with the Issuer role: the only one that may have sandbox certificates issued.</summary>
    public V1.SandboxControl.SandboxControlClient Issuer { get; }

    internal IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; pass the same data directory to restart on the same store.</summary>
    public static async Task<TestServer> StartAsync(
        TestPki pki, string dataDirectory, IDictionary<string, string>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var args = await ArgumentsAsync(pki, dataDirectory, settings);
        var builder = SandboxControlApp.CreateBuilder(args);
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug);
        configureServices?.Invoke(builder.Services);
        var app = SandboxControlApp.Build(builder);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await SandboxControlApp.StartAsync(app, timeout.Token);
        return new TestServer(app, pki, dataDirectory, logs);
    }

    /// <summary>The server's configuration as command-line arguments: for this in-process host or a child process.</summary>
    public static async Task<string[]> ArgumentsAsync(TestPki pki, string dataDirectory, IDictionary<string, string>? settings = null)
    {
        var keyPath = Path.Combine(dataDirectory, "secrets.key");
        if (!File.Exists(keyPath))
        {
            SecretsKeyFile.Create(keyPath);
        }

        var denyListPath = Path.Combine(dataDirectory, "deny-list.txt");
        if (!File.Exists(denyListPath))
        {
            await File.WriteAllTextAsync(denyListPath, "# revoked serials\n");
        }

        var configuration = new Dictionary<string, string>
        {
            ["Server:ListenAddress"] = "127.0.0.1",
            ["Server:Port"] = "0",
            ["Tls:ServerCertificatePath"] = pki.ServerCertificatePath,
            ["Tls:ServerKeyPath"] = pki.ServerKeyPath,
            ["Tls:ClientCaPath"] = pki.CaPath,
            ["Identity:TrustDomain"] = TestPki.TrustDomain,
            ["Authorization:Operators:" + AdminName] = "Admin",
            ["Authorization:Operators:" + ViewerName] = "Viewer",
            ["Authorization:Operators:" + IssuerName] = "Issuer",
            ["Secrets:KeyPath"] = keyPath,
            ["Storage:SqlitePath"] = Path.Combine(dataDirectory, "store.db"),
            ["Audit:Path"] = Path.Combine(dataDirectory, "audit.log"),
            ["Identity:DenyListPath"] = denyListPath,
            ["Issuance:CaCertificatePath"] = pki.CaPath,
            ["Issuance:CaKeyPath"] = pki.CaKeyPath,
            // Generous by default so parallel tests never trip it; RateLimitTests sets its own.
            ["RateLimit:PermitsPerSecond"] = "10000",
            ["RateLimit:Burst"] = "10000",
            ["RateLimit:LogLinesPerSecond"] = "1000000",
            ["RateLimit:LogLinesBurst"] = "1000000",
            // Tests open a channel (a connection) per call; ConnectionLimitTests sets its own.
            ["Server:MaxConnectionsPerCaller"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            configuration[key] = value;
        }

        return [.. configuration.Select(pair => $"--{pair.Key}={pair.Value}")];
    }

    /// <summary>The audit file's events so far, parsed.</summary>
    public IReadOnlyList<JsonElement> AuditEvents()
    {
        if (!File.Exists(AuditPath))
        {
            return [];
        }

        using var stream = new FileStream(AuditPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var events = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            events.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return events;
    }

    /// <summary>The reason of the last audited denial for a certificate serial (callers only see a fixed message).</summary>
    public string? LastDenialReason(string serialNumber) => AuditEvents()
        .LastOrDefault(e => !e.GetProperty("allowed").GetBoolean() && e.GetProperty("certificateSerial").GetString() == serialNumber) is { ValueKind: JsonValueKind.Object } denial
            ? denial.GetProperty("reason").GetString()
            : null;

    public GrpcChannel Channel(X509Certificate2? clientCertificate)
    {
        var channel = GrpcClients.Channel(Address, Pki.Ca.Certificate, clientCertificate);
        lock (_channels)
        {
            _channels.Add(channel);
        }

        return channel;
    }

    public V1.SandboxControl.SandboxControlClient Client(X509Certificate2? clientCertificate) => GrpcClients.Client(Channel(clientCertificate));

    /// <summary>Creates a sandbox as admin, then has the server issue its certificate (as the issuer).</summary>
    public async Task<V1.SandboxControl.SandboxControlClient> CreateSandboxAsync(string id, string? policy = null)
    {
        await Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = policy ?? "" });
        return Client(await SandboxCertificateAsync(id));
    }

    /// <summary>A certificate for the sandbox's current incarnation, issued and recorded by this server.</summary>
    public Task<X509Certificate2> SandboxCertificateAsync(string id) => ServerIssuedCertificates.IssueAsync(Issuer, id);

    /// <summary>
    /// Records a certificate made by the test (an unusual but valid shape) on the allow list of the sandbox's current
    /// incarnation, as if this server had issued it: for tests about reading identities, not about issuance.
    /// </summary>
    public async Task AllowAsync(X509Certificate2 certificate, string sandboxId)
    {
        var store = Services.GetRequiredService<server::SandboxControl.Server.Storage.ISandboxStore>();
        var incarnation = store.GetSandboxEntry(sandboxId)?.Incarnation ?? throw new InvalidOperationException("no sandbox " + sandboxId);
        var outcome = await store.RecordCertificateAsync(
            new server::SandboxControl.Server.Storage.CertificateRecord(
                certificate.SerialNumber, sandboxId, incarnation, null, certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime(), "test", null),
            CancellationToken.None);
        Xunit.Assert.Equal(server::SandboxControl.Server.Storage.CertificateRecordOutcome.Recorded, outcome);
    }

    /// <summary>Creates a sandbox with a fresh id starting with <paramref name="prefix"/>, so tests sharing a server never collide.</summary>
    public async Task<string> CreateUniqueSandboxAsync(string prefix, string? policy = null)
    {
        var id = prefix + "-" + Guid.NewGuid().ToString("N")[..10];
        await Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = policy ?? "" });
        return id;
    }

    /// <summary>Waits (at most 5 s) until the server has reloaded its deny list with <paramref name="serial"/> in it.</summary>
    public async Task WaitUntilDeniedAsync(string serial)
    {
        var denyList = Services.GetRequiredService<server::SandboxControl.Server.Identity.CertificateDenyList>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!denyList.IsDenied(serial) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }

        Xunit.Assert.True(denyList.IsDenied(serial), $"deny list not reloaded with {serial} within 5 s");
    }

    /// <summary>Deletes and at once re-creates a sandbox: a new incarnation (no waiting: nothing compares clocks).</summary>
    public async Task RecreateSandboxAsync(string id, string policy)
    {
        await Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });
        await Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = policy });
    }

    public async ValueTask DisposeAsync()
    {
        lock (_channels)
        {
            foreach (var channel in _channels)
            {
                channel.Dispose();
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
