using System.Globalization;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>A server whose issued and renewed sandbox certificates live <see cref="Lifetime"/>.</summary>
public abstract class ShortLifetimeServerFixture(TimeSpan lifetime) : IAsyncLifetime
{
    private TestServer? _server;

    public TimeSpan Lifetime { get; } = lifetime;

    public TestPki Pki { get; } = new();

    public TempDirectory Data { get; } = new("renewal");

    public TestServer Server => _server ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        Pki, Data.Path, new Dictionary<string, string> { ["Issuance:SandboxCertificateLifetime"] = Lifetime.ToString("c", CultureInfo.InvariantCulture) });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Data.Dispose();
        Pki.Dispose();
    }
}

public sealed class SixSecondCertificateServer() : ShortLifetimeServerFixture(TimeSpan.FromSeconds(6));

public sealed class ThirtySecondCertificateServer() : ShortLifetimeServerFixture(TimeSpan.FromSeconds(30));
