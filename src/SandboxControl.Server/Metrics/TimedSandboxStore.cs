using System.Diagnostics;
using System.Runtime.CompilerServices;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.Metrics;

/// <summary>Records the latency of every store operation, whichever engine is behind it.</summary>
internal sealed class TimedSandboxStore(ISandboxStore inner, ControlPlaneMetrics metrics) : ISandboxStore
{
    /// <summary>The engine being timed (the audit index is a capability of the PostgreSQL engine).</summary>
    public ISandboxStore Inner => inner;

    public event EventHandler<SandboxChangedEventArgs>? SandboxChanged
    {
        add => inner.SandboxChanged += value;
        remove => inner.SandboxChanged -= value;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    // From memory on every request: not a store round trip, not timed.
    public DateTimeOffset? GetSandboxCreatedAt(string sandboxId) => inner.GetSandboxEntry(sandboxId)?.CreatedAt;

    public SandboxDirectoryEntry? GetSandboxEntry(string sandboxId) => inner.GetSandboxEntry(sandboxId);

    public AllowedCertificate? FindCertificate(string serialNumber) => inner.FindCertificate(serialNumber);

    public Task<CertificateRecordOutcome> RecordCertificateAsync(CertificateRecord certificate, int maxLive, CancellationToken cancellationToken) =>
        TimeAsync(inner.RecordCertificateAsync(certificate, maxLive, cancellationToken));

    public Task<IReadOnlyList<CertificateRecord>?> ListCertificatesAsync(string sandboxId, CancellationToken cancellationToken) =>
        TimeAsync(inner.ListCertificatesAsync(sandboxId, cancellationToken));

    public Task<CertificateRevocation?> RevokeCertificateLineageAsync(string serialNumber, CancellationToken cancellationToken) =>
        TimeAsync(inner.RevokeCertificateLineageAsync(serialNumber, cancellationToken));

    public Task<int> PruneExpiredCertificatesAsync(TimeSpan retention, int limit, CancellationToken cancellationToken) =>
        TimeAsync(inner.PruneExpiredCertificatesAsync(retention, limit, cancellationToken));

    public Task<SandboxRecord?> CreateSandboxAsync(string sandboxId, string? initialPolicy, string createdBy, TimeSpan reuseDelay, CancellationToken cancellationToken) =>
        TimeAsync(inner.CreateSandboxAsync(sandboxId, initialPolicy, createdBy, reuseDelay, cancellationToken));

    public Task<SandboxRecord?> GetSandboxAsync(string sandboxId, CancellationToken cancellationToken) =>
        TimeAsync(inner.GetSandboxAsync(sandboxId, cancellationToken));

    public Task<IReadOnlyList<SandboxRecord>> ListSandboxesAsync(string? afterSandboxId, int limit, CancellationToken cancellationToken) =>
        TimeAsync(inner.ListSandboxesAsync(afterSandboxId, limit, cancellationToken));

    public Task<bool> DeleteSandboxAsync(string sandboxId, CancellationToken cancellationToken) =>
        TimeAsync(inner.DeleteSandboxAsync(sandboxId, cancellationToken));

    public Task<PolicyRecord?> GetCurrentPolicyAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken) =>
        TimeAsync(inner.GetCurrentPolicyAsync(sandboxId, incarnation, cancellationToken));

    public Task<PolicyUpdateResult> UpdatePolicyAsync(string sandboxId, long expectedVersion, string document, string createdBy, CancellationToken cancellationToken) =>
        TimeAsync(inner.UpdatePolicyAsync(sandboxId, expectedVersion, document, createdBy, cancellationToken));

    public Task<IReadOnlyList<PolicyRolloutRecord>> ListPolicyRolloutAsync(string? afterSandboxId, int limit, CancellationToken cancellationToken) =>
        TimeAsync(inner.ListPolicyRolloutAsync(afterSandboxId, limit, cancellationToken));

    public Task<IReadOnlyList<PolicyHistoryRecord>> ListPoliciesAsync(string sandboxId, CancellationToken cancellationToken) =>
        TimeAsync(inner.ListPoliciesAsync(sandboxId, cancellationToken));

    public Task<StatusReportResult> ReportPolicyStatusAsync(string sandboxId, string? incarnation, long version, PolicyState state, string message, CancellationToken cancellationToken) =>
        TimeAsync(inner.ReportPolicyStatusAsync(sandboxId, incarnation, version, state, message, cancellationToken));

    public Task<PolicyStatusRecord?> GetPolicyStatusAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken) =>
        TimeAsync(inner.GetPolicyStatusAsync(sandboxId, incarnation, cancellationToken));

    public Task<bool> SetProviderEnvironmentAsync(string sandboxId, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken) =>
        TimeAsync(inner.SetProviderEnvironmentAsync(sandboxId, variables, cancellationToken));

    public Task<IReadOnlyDictionary<string, string>?> GetProviderEnvironmentAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken) =>
        TimeAsync(inner.GetProviderEnvironmentAsync(sandboxId, incarnation, cancellationToken));

    public Task<long?> AppendLogsAsync(string sandboxId, string? incarnation, IReadOnlyList<LogLineRecord> lines, CancellationToken cancellationToken) =>
        TimeAsync(inner.AppendLogsAsync(sandboxId, incarnation, lines, cancellationToken));

    public Task<IReadOnlyList<long?>> AppendLogBatchAsync(IReadOnlyList<LogAppend> appends, CancellationToken cancellationToken) =>
        TimeAsync(inner.AppendLogBatchAsync(appends, cancellationToken));

    public Task<IReadOnlyList<StoredLogLine>> ReadLogsAsync(string sandboxId, string? incarnation, long afterSequence, DateTimeOffset? since, int limit, CancellationToken cancellationToken) =>
        TimeAsync(inner.ReadLogsAsync(sandboxId, incarnation, afterSequence, since, limit, cancellationToken));

    private async Task<T> TimeAsync<T>(Task<T> operation, [CallerArgumentExpression(nameof(operation))] string expression = "")
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await operation.ConfigureAwait(false);
        }
        finally
        {
            metrics.StoreOperation(OperationName(expression), Stopwatch.GetElapsedTime(started));
        }
    }

    // "inner.GetSandboxAsync(sandboxId, cancellationToken)" -> "GetSandbox": a fixed set of tag values.
    private static string OperationName(string expression)
    {
        var start = expression.IndexOf('.', StringComparison.Ordinal) + 1;
        var end = expression.IndexOf("Async(", StringComparison.Ordinal);
        return end > start ? expression[start..end] : "unknown";
    }
}
