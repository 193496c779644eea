using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Hosting;
using SandboxControl.Server.Secrets;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Sqlite;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class StorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AddSandboxStorage_ValidConfiguration_HostedServiceInitializesStore()
    {
        var keyPath = _directory.Combine("secrets.key");
        SecretsKeyFile.Create(keyPath);
        await using var provider = BuildProvider(new Dictionary<string, string?>
        {
            ["Storage:SqlitePath"] = _directory.Combine("db", "control.db"),
            ["Secrets:KeyPath"] = keyPath,
        });

        foreach (var hostedService in provider.GetServices<IHostedService>())
        {
            await hostedService.StartAsync(CancellationToken.None);
        }

        var store = provider.GetRequiredService<ISandboxStore>();
        Assert.IsType<SqliteSandboxStore>(store);
        Assert.Same(store, provider.GetRequiredService<ISandboxStore>());
        Assert.NotNull(await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None));
        Assert.True(File.Exists(_directory.Combine("db", "control.db")));
    }

    [Fact]
    public async Task AddSandboxStorage_UnknownProvider_OptionsValidationFails()
    {
        await using var provider = BuildProvider(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "mysql",
            ["Storage:SqlitePath"] = _directory.Combine("control.db"),
        });

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);
        Assert.Contains("Storage:Provider 'mysql'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSandboxStorage_PostgresWithoutConnectionString_OptionsValidationFails()
    {
        await using var provider = BuildProvider(new Dictionary<string, string?> { ["Storage:Provider"] = "postgres" });

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);
        Assert.Contains("Storage:PostgresConnectionString is required", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSandboxStorage_SecondServerOnSameSqliteFile_RefusedWithOneLine()
    {
        var keyPath = _directory.Combine("secrets.key");
        SecretsKeyFile.Create(keyPath);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:SqlitePath"] = _directory.Combine("db", "control.db"),
            ["Secrets:KeyPath"] = keyPath,
        };
        await using var first = BuildProvider(settings);
        await first.GetRequiredService<ISandboxStore>().InitializeAsync(CancellationToken.None);
        await using var second = BuildProvider(settings);

        var exception = await Assert.ThrowsAsync<StartupProblemException>(
            () => second.GetRequiredService<ISandboxStore>().InitializeAsync(CancellationToken.None));

        Assert.Contains("is in use by another server", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
        await first.DisposeAsync();
        await using var third = BuildProvider(settings);
        await third.GetRequiredService<ISandboxStore>().InitializeAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AddSandboxSecrets_MissingKeyFile_OptionsValidationFails()
    {
        var keyPath = _directory.Combine("missing.key");
        await using var provider = BuildProvider(new Dictionary<string, string?> { ["Secrets:KeyPath"] = keyPath });

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SecretsOptions>>().Value);
        Assert.Contains(keyPath, exception.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", exception.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSandboxStorage();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
