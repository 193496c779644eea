using System.Globalization;

namespace SandboxControl.Bench;

/// <summary>Which RPC a load run drives.</summary>
internal enum RpcKind
{
    GetPolicy,
    PushLogs,
    Mixed,
}

/// <summary>Command-line options of all sub-commands (<c>certs</c>, <c>seed</c>, <c>run</c>).</summary>
internal sealed class BenchOptions
{
    /// <summary>Hard upper bound of any run, whatever the options say: the tool always stops by itself.</summary>
    public static readonly TimeSpan MaxRunTime = TimeSpan.FromMinutes(10);

    public string Command { get; private set; } = "run";

    public Uri Target { get; private set; } = new("https://127.0.0.1:7443");

    public int Connections { get; private set; } = 64;

    public int ConcurrencyPerConnection { get; private set; } = 8;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(2);

    public long? Calls { get; private set; }

    public RpcKind Rpc { get; private set; } = RpcKind.GetPolicy;

    public bool NewConnectionPerCall { get; private set; }

    public int Sandboxes { get; private set; } = 64;

    /// <summary>Total calls per second across all connections; 0 = as fast as possible (closed loop).</summary>
    public double Rate { get; private set; }

    public string? JsonPath { get; private set; }

    public int? ServerPid { get; private set; }

    public string Label { get; private set; } = "";

    public string? CaCertificatePath { get; private set; }

    public string? CaKeyPath { get; private set; }

    public string? OperatorCertificatePath { get; private set; }

    public string? OperatorKeyPath { get; private set; }

    /// <summary>An ISSUER operator: when given, run has the server issue (and record) every sandbox certificate.</summary>
    public string? IssuerCertificatePath { get; private set; }

    public string? IssuerKeyPath { get; private set; }

    public string TrustDomain { get; private set; } = "bench.test";

    public string SandboxPrefix { get; private set; } = "sb-";

    public string OutputDirectory { get; private set; } = ".";

    /// <summary>Where <c>issue</c> saves the identities and <c>run</c> loads them from (instead of issuing), or null.</summary>
    public string? IdentitiesDirectory { get; private set; }

    public int Count { get; private set; } = 100;

    public int LinesPerMessage { get; private set; } = 100;

    public int MessagesPerStream { get; private set; } = 10;

    public int PolicyBytes { get; private set; } = 512;

    public TimeSpan CallDeadline { get; private set; } = TimeSpan.FromSeconds(10);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        var index = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            options.Command = args[0];
            index = 1;
        }

        for (; index < args.Length; index++)
        {
            var name = args[index];
            if (name == "--new-connection-per-call")
            {
                options.NewConnectionPerCall = true;
                continue;
            }

            if (index + 1 >= args.Length)
            {
                throw new ArgumentException($"option {name} needs a value");
            }

            options.Set(name, args[++index]);
        }

        options.Validate();
        return options;
    }

    private void Set(string name, string value)
    {
        switch (name)
        {
            case "--target": Target = new Uri(value); break;
            case "--connections": Connections = Int(value); break;
            case "--concurrency-per-connection": ConcurrencyPerConnection = Int(value); break;
            case "--duration": Duration = TimeSpan.FromSeconds(Double(value)); break;
            case "--warmup": Warmup = TimeSpan.FromSeconds(Double(value)); break;
            case "--calls": Calls = long.Parse(value, CultureInfo.InvariantCulture); break;
            case "--rpc": Rpc = ParseRpc(value); break;
            case "--sandboxes": Sandboxes = Int(value); break;
            case "--rate": Rate = Double(value); break;
            case "--json": JsonPath = value; break;
            case "--server-pid": ServerPid = Int(value); break;
            case "--label": Label = value; break;
            case "--ca-cert": CaCertificatePath = value; break;
            case "--ca-key": CaKeyPath = value; break;
            case "--operator-cert": OperatorCertificatePath = value; break;
            case "--operator-key": OperatorKeyPath = value; break;
            case "--issuer-cert": IssuerCertificatePath = value; break;
            case "--issuer-key": IssuerKeyPath = value; break;
            case "--trust-domain": TrustDomain = value; break;
            case "--sandbox-prefix": SandboxPrefix = value; break;
            case "--out": OutputDirectory = value; break;
            case "--identities": IdentitiesDirectory = value; break;
            case "--count": Count = Int(value); break;
            case "--lines-per-message": LinesPerMessage = Int(value); break;
            case "--messages-per-stream": MessagesPerStream = Int(value); break;
            case "--policy-bytes": PolicyBytes = Int(value); break;
            case "--call-deadline": CallDeadline = TimeSpan.FromSeconds(Double(value)); break;
            default: throw new ArgumentException($"unknown option {name}");
        }
    }

    private void Validate()
    {
        if (Connections < 1 || ConcurrencyPerConnection < 1 || Sandboxes < 1 || Count < 0 || LinesPerMessage < 1 || MessagesPerStream < 1)
        {
            throw new ArgumentException("counts must be positive");
        }

        if (Duration <= TimeSpan.Zero || Duration > MaxRunTime)
        {
            throw new ArgumentException($"--duration must be between 0 and {MaxRunTime.TotalSeconds} seconds");
        }

        if (Calls is <= 0)
        {
            throw new ArgumentException("--calls must be positive");
        }
    }

    private static RpcKind ParseRpc(string value) => value switch
    {
        "get-policy" => RpcKind.GetPolicy,
        "push-logs" => RpcKind.PushLogs,
        "mixed" => RpcKind.Mixed,
        _ => throw new ArgumentException("--rpc must be get-policy, push-logs or mixed"),
    };

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static double Double(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    public const string Usage = """
        sandboxcontrol-bench certs --out DIR [--trust-domain D]
            Writes ca.crt/ca.key, server.crt/server.key (127.0.0.1, localhost), operator.crt/operator.key (operator 'bench',
            for the ADMIN role) and issuer.crt/issuer.key (operator 'bench-issuer', for the ISSUER role).
        sandboxcontrol-bench seed --target URL --ca-cert F --operator-cert F --operator-key F --count N [--sandbox-prefix P] [--policy-bytes B]
            Creates sandboxes P00000..P(N-1) with a policy through CreateSandbox (needs an ADMIN operator).
        sandboxcontrol-bench run --target URL --ca-cert F (--ca-key F | --issuer-cert F --issuer-key F) [options]
            --connections N  --concurrency-per-connection N  --duration S | --calls N  --warmup S
            --rpc get-policy|push-logs|mixed  --new-connection-per-call  --sandboxes N  --rate CALLS_PER_S
            --lines-per-message N  --messages-per-stream N  --server-pid PID  --json FILE  --label TEXT
            Every connection presents its own sandbox certificate, issued up front: by the server through
            IssueSandboxCertificate with --issuer-cert/--issuer-key (the full server accepts only the certificates
            it recorded), else offline from the CA (--ca-key; for the ceiling and peer servers).
            The run stops after --duration (or --calls, bounded by --duration as well).
            --identities DIR loads the certificates `issue` saved there instead of issuing them.
        sandboxcontrol-bench issue (same identity options as run) --sandboxes N --identities DIR
            Issues the run's certificates and saves them (PKCS#12) to DIR, so a server can be restarted between
            issuing and measuring (scenario b measures a fresh process).
        sandboxcontrol-bench fairness --target URL --ca-cert F --ca-key F --operator-cert F --operator-key F [options]
            Scenario (e): --sandboxes N victims reporting policy status and the operator updating a policy, measured
            for --duration alone and then while one sandbox floods PushSandboxLogs on --connections streams
            (--messages-per-stream x --lines-per-message); prints both p50/p99 and the flooder's accepted lines/s.
        """;
}
