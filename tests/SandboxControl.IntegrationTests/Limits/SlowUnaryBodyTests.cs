extern alias server;

using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Limits;

/// <summary>Unary calls count per caller from their headers: bodies sent slowly cannot pile up without bound.</summary>
public sealed class SlowUnaryBodyTests : IAsyncLifetime, IDisposable
{
    private const int PerCaller = 2;
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("slowbody");
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
    {
        ["Limits:MaxUnaryCallsPerCaller"] = PerCaller.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task SlowBodies_NextCallRefused_OtherCallerServed_PlaceFreedWhenBodiesEnd()
    {
        var id = await _server.CreateUniqueSandboxAsync("slow", "p");
        var certificate = await _server.SandboxCertificateAsync(id);
        var sandbox = _server.Client(certificate);
        var request = new GetSandboxPolicyRequest { SandboxId = id };
        using var http = GrpcClients.Http(_server.Address, _pki.Ca.Certificate, certificate);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = Enumerable.Range(0, PerCaller).Select(_ => SendSlowlyAsync(http, request.ToByteArray(), release.Task)).ToList();

        // Each slow call holds its place from its headers on; no other call of this caller runs until both have one.
        var limiter = _server.Services.GetRequiredService<server::SandboxControl.Server.Limits.CallLimiter>();
        var admitted = Stopwatch.StartNew();
        while (limiter.Open("sandbox/" + id, server::SandboxControl.Server.Limits.CallKind.Unary) < PerCaller && admitted.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => sandbox.GetSandboxPolicyAsync(request).ResponseAsync);
        var otherCaller = await _server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id });
        release.SetResult();
        var served = await FirstServedAsync(() => sandbox.GetSandboxPolicyAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal($"at most {PerCaller} concurrent calls per caller", refused.Status.Detail);
        Assert.Equal(id, otherCaller.SandboxId);
        Assert.Equal("p", served?.Document);
        await Task.WhenAll(slow.Select(call => call.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private static async Task<T?> FirstServedAsync<T>(Func<Task<T>> call)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                return await call();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                await Task.Delay(20);
            }
        }

        return null;
    }

    /// <summary>A gRPC unary call whose body stops after 3 of its bytes until <paramref name="release"/>.</summary>
    private static async Task SendSlowlyAsync(HttpClient http, byte[] message, Task release)
    {
        using var call = new HttpRequestMessage(HttpMethod.Post, "/" + V1.SandboxControl.Descriptor.FullName + "/GetSandboxPolicy")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new SlowBody(message, release),
        };
        call.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        using var response = await http.SendAsync(call);
    }

    private sealed class SlowBody : HttpContent
    {
        private readonly byte[] _frame;
        private readonly Task _release;

        public SlowBody(byte[] message, Task release)
        {
            _frame = new byte[5 + message.Length];
            BinaryPrimitives.WriteUInt32BigEndian(_frame.AsSpan(1), (uint)message.Length);
            message.CopyTo(_frame, 5);
            _release = release;
            Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_frame.AsMemory(0, 3));
            await stream.FlushAsync();
            await _release;
            await stream.WriteAsync(_frame.AsMemory(3));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
