using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class StorageOptionsValidatorTests
{
    private readonly StorageOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = _validator.Validate(null, new StorageOptions());

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Validate_StreamPipelineOutsideOneToQueueCap_FailsWithOneLine(int depth)
    {
        var result = _validator.Validate(null, new StorageOptions { LogMessagesInFlightPerStream = depth, LogQueueMaxMessagesPerSandbox = 64 });

        Assert.Equal(
            $"Storage:LogMessagesInFlightPerStream must be from 1 to Storage:LogQueueMaxMessagesPerSandbox (was {depth}).",
            Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_UnknownProvider_FailsWithOneLine()
    {
        var result = _validator.Validate(null, new StorageOptions { Provider = "mysql" });

        var failure = Assert.Single(result.Failures!);
        Assert.Equal("Storage:Provider 'mysql' is not supported; use 'sqlite' or 'postgres'.", failure);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Validate_PostgresWithoutConnectionString_FailsWithOneLine(string? connectionString)
    {
        var result = _validator.Validate(null, new StorageOptions { Provider = "postgres", PostgresConnectionString = connectionString });

        Assert.Equal(
            "Storage:PostgresConnectionString is required when Storage:Provider is 'postgres'.",
            Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_PostgresMalformedConnectionString_FailsWithoutEchoingIt()
    {
        var result = _validator.Validate(null, new StorageOptions { Provider = "postgres", PostgresConnectionString = "Host=x;Password=hunter2;Bogus Key=1" });

        var failure = Assert.Single(result.Failures!);
        Assert.Equal("Storage:PostgresConnectionString is not a valid Npgsql connection string.", failure);
        Assert.DoesNotContain("hunter2", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PostgresWithConnectionString_Succeeds()
    {
        var result = _validator.Validate(null, new StorageOptions { Provider = "postgres", PostgresConnectionString = "Host=localhost;Database=control" });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_EmptyPath_FailsWithOneLine()
    {
        var result = _validator.Validate(null, new StorageOptions { SqlitePath = " " });

        Assert.Equal("Storage:SqlitePath must not be empty.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_RetentionBelowOne_FailsWithOneLine(int retention)
    {
        var result = _validator.Validate(null, new StorageOptions { LogRetentionLines = retention });

        Assert.Equal($"Storage:LogRetentionLines must be at least 1 (was {retention}).", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_EverythingWrong_OneLinePerProblem()
    {
        var result = _validator.Validate(null, new StorageOptions { Provider = "mongo", SqlitePath = string.Empty, LogRetentionLines = 0 });

        Assert.Equal(3, result.Failures!.Count());
        Assert.All(result.Failures!, failure => Assert.DoesNotContain('\n', failure));
    }
}
