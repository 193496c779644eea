using SandboxControl.Server.Authorization;
using SandboxControl.Server.Hosting;
using SandboxControl.Server.Services;
using Xunit;

namespace SandboxControl.Tests.Limits;

/// <summary>Every new limit is validated at start, one line per problem naming its key.</summary>
public sealed class LimitOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new LimitsOptionsValidator().Validate(null, new LimitsOptions()).Succeeded);
        Assert.True(new ServerOptionsValidator().Validate(null, new ServerOptions()).Succeeded);
        Assert.True(new RateLimitOptionsValidator().Validate(null, new RateLimitOptions()).Succeeded);
    }

    [Fact]
    public void Validate_StreamLimitsNotPositive_OneLineEach()
    {
        var result = new LimitsOptionsValidator().Validate(null, new LimitsOptions
        {
            MaxStreamsPerCaller = 0,
            MaxPushStreamsPerCaller = 0,
            MaxUnaryCallsPerCaller = 0,
            MaxStreams = -1,
            LogReadPageLines = 0,
            StreamWriteTimeout = TimeSpan.Zero,
            StreamRecheckInterval = TimeSpan.FromSeconds(-1),
        });

        Assert.Equal(
            [
                "Limits:MaxStreamsPerCaller must be positive.",
                "Limits:MaxPushStreamsPerCaller must be positive.",
                "Limits:MaxUnaryCallsPerCaller must be positive.",
                "Limits:MaxStreams must be positive.",
                "Limits:LogReadPageLines must be positive.",
                "Limits:OperatorStreamReserve must be at least 0 and less than Limits:MaxStreams.",
                "Limits:StreamWriteTimeout must be positive.",
                "Limits:StreamRecheckInterval must be positive.",
            ],
            result.Failures);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(9, true)]
    [InlineData(10, false)]
    public void Validate_OperatorStreamReserve_BelowMaxStreams(int reserve, bool valid)
    {
        var result = new LimitsOptionsValidator().Validate(null, new LimitsOptions { MaxStreams = 10, OperatorStreamReserve = reserve });

        Assert.Equal(valid, result.Succeeded);
        Assert.Equal(valid ? [] : ["Limits:OperatorStreamReserve must be at least 0 and less than Limits:MaxStreams."], result.Failures ?? []);
    }

    [Fact]
    public void Validate_ConnectionLimitsNotPositive_OneLineEach()
    {
        var result = new ServerOptionsValidator().Validate(null, new ServerOptions
        {
            MaxConnections = 0,
            MaxConnectionsPerCaller = 0,
            HandshakeTimeout = TimeSpan.Zero,
            IdleTimeout = TimeSpan.Zero,
        });

        Assert.Equal(
            [
                "Server:MaxConnections must be at least 1.",
                "Server:MaxConnectionsPerCaller must be at least 1.",
                "Server:HandshakeTimeout must be positive.",
                "Server:IdleTimeout must be positive.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_LogLineBudgetNotPositive_OneLineEach()
    {
        var result = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { LogLinesPerSecond = 0, LogLinesBurst = 0 });

        Assert.Equal(["RateLimit:LogLinesPerSecond must be at least 1.", "RateLimit:LogLinesBurst must be at least 1."], result.Failures);
    }
}
