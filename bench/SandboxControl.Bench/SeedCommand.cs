using System.Diagnostics;
using Grpc.Core;
using SandboxControl.Pki;
using SandboxControl.V1;
using ControlClient = SandboxControl.V1.SandboxControl.SandboxControlClient;

namespace SandboxControl.Bench;

/// <summary>Creates the benchmark's sandboxes, each with a first policy, through the operator API.</summary>
internal static class SeedCommand
{
    private const int Channels = 4;
    private const int ConcurrencyPerChannel = 16;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        if (options.CaCertificatePath is null || options.OperatorCertificatePath is null || options.OperatorKeyPath is null)
        {
            throw new ArgumentException("seed needs --ca-cert, --operator-cert and --operator-key");
        }

        using var operatorCertificate = PemFiles.LoadCertificateWithKey(options.OperatorCertificatePath, options.OperatorKeyPath);
        var context = ChannelFactory.Context(operatorCertificate);
        var factory = new ChannelFactory(options.Target, Identities.LoadCas(options.CaCertificatePath));
        var document = PolicyDocument.Create(options.PolicyBytes);
        var next = -1;
        long created = 0, existing = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = new List<Task>();
        var channels = Enumerable.Range(0, Channels).Select(_ => factory.Create(context)).ToArray();
        try
        {
            foreach (var channel in channels)
            {
                var client = new ControlClient(channel);
                for (var i = 0; i < ConcurrencyPerChannel; i++)
                {
                    workers.Add(Task.Run(async () =>
                    {
                        int index;
                        while ((index = Interlocked.Increment(ref next)) < options.Count)
                        {
                            var request = new CreateSandboxRequest { SandboxId = Identities.SandboxId(options.SandboxPrefix, index), PolicyDocument = document };
                            try
                            {
                                await client.CreateSandboxAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
                                Interlocked.Increment(ref created);
                            }
                            catch (RpcException exception) when (exception.StatusCode == StatusCode.AlreadyExists)
                            {
                                Interlocked.Increment(ref existing);
                            }
                        }
                    }));
                }
            }

            await Task.WhenAll(workers);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }

        Console.WriteLine($"seeded {created} sandboxes ({existing} already existed) in {stopwatch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
