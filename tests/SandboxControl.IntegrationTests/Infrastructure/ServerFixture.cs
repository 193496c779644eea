using Xunit;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>One PKI and one running server shared by the tests of a class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestPki Pki { get; } = new();

    public TempDirectory Data { get; } = new("data");

    public TestServer Server => _server ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Pki, Data.Path);

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
