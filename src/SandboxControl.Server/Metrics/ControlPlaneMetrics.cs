using System.Diagnostics.Metrics;

namespace SandboxControl.Server.Metrics;

/// <summary>
/// Our instruments, on the "SandboxControl" meter. Tags are fixed vocabularies (RPC names, status
/// codes, reason strings), never attacker-chosen text, so cardinality stays bounded.
/// </summary>
internal sealed class ControlPlaneMetrics
{
    public const string MeterName = "SandboxControl";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _handshakeRefusals;
    private readonly Histogram<double> _storeDuration;

    public ControlPlaneMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("sandboxcontrol.authorization.decisions", description: "Authorization decisions by RPC, outcome status and reason.");
        _handshakeRefusals = meter.CreateCounter<long>("sandboxcontrol.tls.handshake_refusals", description: "Client certificates refused at the TLS handshake, by reason.");
        _storeDuration = meter.CreateHistogram<double>("sandboxcontrol.store.operation.duration", unit: "s", description: "Store operation latency, by operation.");
    }

    public void Decision(string rpc, string status, string reason) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("rpc", rpc), new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("reason", reason));

    public void HandshakeRefused(string reason) => _handshakeRefusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void StoreOperation(string operation, TimeSpan elapsed) =>
        _storeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
}
