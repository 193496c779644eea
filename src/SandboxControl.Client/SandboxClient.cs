using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SandboxControl.Client.Connection;
using SandboxControl.Client.Credentials;
using SandboxControl.Client.Errors;
using SandboxControl.Client.Logs;
using SandboxControl.Client.Policies;
using SandboxControl.Client.Renewal;
using SandboxControl.V1;

namespace SandboxControl.Client;

/// <summary>
/// The control plane as seen from one sandbox. Every request's <c>sandbox_id</c> is this sandbox's own,
/// read from its certificate; there is no way to ask about another sandbox. Certificate files replaced on
/// disk and renewed certificates are used by new connections without a restart.
/// </summary>
public sealed class SandboxClient : IAsyncDisposable
{
    private readonly SandboxClientOptions _options;
    private readonly CredentialFiles _files;
    private readonly ChannelManager _channels;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _fileCheck;
    private readonly Task _renewal = Task.CompletedTask;
    private int _checkingFiles;
    private int _renewals;
    private int _renewalFailures;
    private int _rejectedReloads;

    private SandboxClient(SandboxClientOptions options, CredentialFiles files, ClientCredentials credentials)
    {
        _options = options;
        _files = files;
        _logger = options.LoggerFactory?.CreateLogger<SandboxClient>() ?? NullLogger<SandboxClient>.Instance;
        Identity = credentials.Identity;
        _channels = new ChannelManager(options.ServerAddress!, credentials, options);
        WarnIfNotValidNow(credentials.Certificate);
        Log.CertificateInUse(_logger, Identity.SandboxId, credentials.Certificate.SerialNumber, Certificate.NotAfter, "loaded");
        _fileCheck = options.TimeProvider.CreateTimer(_ => CheckFiles(), null, options.FileCheckInterval, options.FileCheckInterval);
        if (options.AutoRenew)
        {
            var scheduler = new RenewalScheduler(
                () => _channels.Current.Credentials.Certificate, RenewAsync, OnRenewalFailed, options.RenewAtFractionOfLifetime, options.TimeProvider);
            _renewal = Task.Run(() => scheduler.RunAsync(_stop.Token));
        }
    }

    /// <summary>The sandbox this client speaks for, from its certificate.</summary>
    public SandboxIdentity Identity { get; }

    /// <summary>The sandbox id filled into every request.</summary>
    public string SandboxId => Identity.SandboxId;

    /// <summary>The certificate new calls use.</summary>
    public CertificateInfo Certificate => CertificateInfo.From(_channels.Current.Credentials.Certificate);

    /// <summary>Successful renewals so far.</summary>
    public int RenewalCount => Volatile.Read(ref _renewals);

    /// <summary>Failed renewal attempts so far (each is retried).</summary>
    public int RenewalFailureCount => Volatile.Read(ref _renewalFailures);

    /// <summary>Replaced certificate files that were checked and not used (unloadable, another identity, not valid now) so far.</summary>
    public int RejectedReloadCount => Volatile.Read(ref _rejectedReloads);

    /// <summary>Raised after new calls switched to another certificate (renewed, or files replaced).</summary>
    public event EventHandler<CertificateChangedEventArgs>? CertificateChanged;

    /// <summary>Raised when an automatic renewal attempt fails; it is retried with backoff.</summary>
    public event EventHandler<RenewalFailedEventArgs>? RenewalFailed;

    /// <summary>Loads the certificate, key and CA bundle and prepares the channel (it connects on the first call).</summary>
    /// <exception cref="ArgumentException">The options are incomplete or out of range.</exception>
    /// <exception cref="CredentialFileException">A file is missing, unreadable or not PEM.</exception>
    /// <exception cref="KeyMismatchException">The key file is not the certificate's key.</exception>
    /// <exception cref="NotSandboxCertificateException">The certificate names no sandbox (e.g. an operator's).</exception>
    public static SandboxClient Create(SandboxClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var files = new CredentialFiles(options.CertificatePath, options.KeyPath, options.CaBundlePath);
        ClientCredentials credentials;
        try
        {
            credentials = files.Load();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw ClientFailures.FromLoad(ex, options.CertificatePath);
        }

        try
        {
            return new SandboxClient(options, files, credentials);
        }
        catch
        {
            credentials.Dispose();
            throw;
        }
    }

    /// <summary>This sandbox's current policy. NotFound while it has none.</summary>
    /// <exception cref="SandboxControlException">One of its subclasses: the server is unreachable, refused the handshake or the call.</exception>
    public Task<SandboxPolicyDocument> GetPolicyAsync(CancellationToken cancellationToken = default) =>
        TranslatedAsync(() => FetchPolicyAsync(cancellationToken));

    private async Task<SandboxPolicyDocument> FetchPolicyAsync(CancellationToken cancellationToken)
    {
        var policy = await _channels.Current.Client.GetSandboxPolicyAsync(
            new GetSandboxPolicyRequest { SandboxId = SandboxId }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new SandboxPolicyDocument(policy.Version, policy.Document, policy.CreatedAt?.ToDateTimeOffset(), policy.CreatedBy);
    }

    /// <summary>Reports whether a policy version was loaded. Aborted if <paramref name="version"/> is no longer current.</summary>
    /// <param name="version">The version the report is about.</param>
    /// <param name="state"><see cref="PolicyState.Loaded"/> or <see cref="PolicyState.Failed"/>.</param>
    /// <param name="message">Why loading failed, shown to operators; at most 4 KiB.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="SandboxControlException">One of its subclasses: the server is unreachable, refused the handshake or the call.</exception>
    public Task<PolicyStatusResult> ReportPolicyStatusAsync(long version, PolicyState state, string? message = null, CancellationToken cancellationToken = default)
    {
        if (state is not (PolicyState.Loaded or PolicyState.Failed))
        {
            throw new ArgumentOutOfRangeException(nameof(state), "Only Loaded or Failed can be reported.");
        }

        return TranslatedAsync(() => ReportAsync(version, state, message, cancellationToken));
    }

    private async Task<PolicyStatusResult> ReportAsync(long version, PolicyState state, string? message, CancellationToken cancellationToken)
    {
        var report = await _channels.Current.Client.ReportPolicyStatusAsync(
            new ReportPolicyStatusRequest { SandboxId = SandboxId, Version = version, Status = (PolicyStatus)state, Message = message ?? "" },
            deadline: Deadline(),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new PolicyStatusResult(report.Version, (PolicyState)report.Status, report.ActiveVersion, report.Message);
    }

    /// <summary>This sandbox's provider credentials (name to value). Never log the values.</summary>
    /// <exception cref="SandboxControlException">One of its subclasses: the server is unreachable, refused the handshake or the call.</exception>
    public Task<IReadOnlyDictionary<string, string>> GetProviderEnvironmentAsync(CancellationToken cancellationToken = default) =>
        TranslatedAsync(() => FetchProviderEnvironmentAsync(cancellationToken));

    private async Task<IReadOnlyDictionary<string, string>> FetchProviderEnvironmentAsync(CancellationToken cancellationToken)
    {
        var environment = await _channels.Current.Client.GetSandboxProviderEnvironmentAsync(
            new GetSandboxProviderEnvironmentRequest { SandboxId = SandboxId }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new Dictionary<string, string>(environment.Variables, StringComparer.Ordinal);
    }

    /// <summary>Renews the certificate now (automatic renewal does this at the configured fraction of its lifetime).</summary>
    /// <returns>The new certificate, already used by new calls.</returns>
    /// <exception cref="ServerRefusedException">The server refused (Unauthenticated: sandbox deleted or certificate revoked).</exception>
    /// <exception cref="InvalidDataException">The server's answer is not a certificate for our key and identity from a trusted CA.</exception>
    public Task<CertificateInfo> RenewCertificateAsync(CancellationToken cancellationToken = default) =>
        TranslatedAsync(async () =>
        {
            await RenewAsync(cancellationToken).ConfigureAwait(false);
            return Certificate;
        });

    private async Task<T> TranslatedAsync<T>(Func<Task<T>> call)
    {
        var certificate = _channels.Current.Credentials.Certificate;
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            throw ClientFailures.FromCall(ex, _options.ServerAddress!, certificate, _options.TimeProvider.GetUtcNow().UtcDateTime);
        }
    }

    /// <summary>Starts a log sink pushing to this sandbox's log. Dispose it to flush.</summary>
    public SandboxLogSink CreateLogSink(SandboxLogSinkOptions? options = null)
    {
        var sink = new SandboxLogSink(
            () => _channels.Current.Client, SandboxId, options ?? new SandboxLogSinkOptions(), _options.TimeProvider, Logger<SandboxLogSink>());
        sink.Start();
        return sink;
    }

    /// <summary>Starts polling this sandbox's policy; subscribe to <see cref="PolicyWatcher.PolicyChanged"/>.</summary>
    public PolicyWatcher WatchPolicy(PolicyWatcherOptions? options = null)
    {
        var watcher = new PolicyWatcher(FetchPolicyAsync, options ?? new PolicyWatcherOptions(), _options.TimeProvider, Logger<PolicyWatcher>());
        watcher.Start();
        return watcher;
    }

    /// <summary>Stops renewal and file checks and closes the connections. Dispose log sinks and watchers first.</summary>
    public async ValueTask DisposeAsync()
    {
        await _fileCheck.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _renewal.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _channels.Dispose();
        _stop.Dispose();
        _renewing.Dispose();
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        // File reloads take the same semaphore, so the generation this renewal started from is still current when it switches.
        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _channels.Current;
            var renewed = await CertificateRenewal.RequestAsync(
                current.Client, current.Credentials, _options.TimeProvider.GetUtcNow().UtcDateTime, Deadline(), cancellationToken).ConfigureAwait(false);
            var credentials = current.Credentials.With(renewed);
            try
            {
                if (_options.PersistRenewedCertificate)
                {
                    Persist(renewed);
                }

                _channels.Switch(credentials);
            }
            catch
            {
                credentials.Dispose();
                throw;
            }

            Interlocked.Increment(ref _renewals);
        }
        finally
        {
            _renewing.Release();
        }

        Changed(CertificateChangeReason.Renewed);
    }

    private void Persist(X509Certificate2 renewed)
    {
        try
        {
            _files.Persist(renewed);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.PersistFailed(_logger, _files.CertificatePath, ex.Message);
        }
    }

    private void CheckFiles()
    {
        if (Interlocked.Exchange(ref _checkingFiles, 1) == 1)
        {
            return;
        }

        try
        {
            // Not during a renewal (it would switch back to the CA bundle it started with); the next tick checks again.
            if (!_renewing.Wait(0))
            {
                return;
            }

            bool switched;
            try
            {
                switched = _files.HaveChanged() && Reload();
            }
            finally
            {
                _renewing.Release();
            }

            if (switched)
            {
                Changed(CertificateChangeReason.FilesReplaced);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A timer callback must not throw (it would end the process); the next change is tried again.
            Rejected(ex.GetType().Name + ": " + ex.Message);
        }
        finally
        {
            Volatile.Write(ref _checkingFiles, 0);
        }
    }

    /// <returns>Whether new calls now use the reloaded files.</returns>
    private bool Reload()
    {
        ClientCredentials loaded;
        try
        {
            loaded = _files.Load();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or SandboxControlException)
        {
            // A half-written rotation (new certificate, old key) lands here; the next change is tried again.
            Rejected(ex.Message);
            return false;
        }

        try
        {
            var reason = loaded.Identity != Identity ? $"it names sandbox '{loaded.Identity.SandboxId}', not '{SandboxId}'"
                : !IsValidNow(loaded.Certificate) ? $"certificate {loaded.Certificate.SerialNumber} is not valid now"
                : loaded.SameAs(_channels.Current.Credentials) ? "" // our own persisted renewal, or an unchanged copy
                : null;
            if (reason is not null)
            {
                if (reason.Length > 0)
                {
                    Rejected(reason);
                }

                loaded.Dispose();
                return false;
            }

            _channels.Switch(loaded);
            return true;
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    private void Rejected(string reason)
    {
        Interlocked.Increment(ref _rejectedReloads);
        Log.ReloadRejected(_logger, _files.CertificatePath, reason);
    }

    private void OnRenewalFailed(Exception error, int attempt, DateTimeOffset notAfter)
    {
        Interlocked.Increment(ref _renewalFailures);
        var status = (error as RpcException)?.StatusCode ?? StatusCode.Unknown;
        Log.RenewalFailed(_logger, attempt, Certificate.SerialNumber, notAfter, status, (error as RpcException)?.Status.Detail ?? error.Message);
        Raise(RenewalFailed, new RenewalFailedEventArgs(error, attempt, notAfter), nameof(RenewalFailed));
    }

    private void Changed(CertificateChangeReason reason)
    {
        var certificate = Certificate;
        var because = reason == CertificateChangeReason.Renewed ? "renewed" : "files replaced";
        Log.CertificateInUse(_logger, SandboxId, certificate.SerialNumber, certificate.NotAfter, because);
        Raise(CertificateChanged, new CertificateChangedEventArgs(certificate, reason), nameof(CertificateChanged));
    }

    private void Raise<T>(EventHandler<T>? handler, T args, string name)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.HandlerThrew(_logger, name, ex);
        }
    }

    private bool IsValidNow(X509Certificate2 certificate)
    {
        var now = _options.TimeProvider.GetUtcNow().UtcDateTime;
        return certificate.NotBefore.ToUniversalTime() <= now && now < certificate.NotAfter.ToUniversalTime();
    }

    private void WarnIfNotValidNow(X509Certificate2 certificate)
    {
        if (!IsValidNow(certificate))
        {
            var info = CertificateInfo.From(certificate);
            Log.CertificateNotValidNow(_logger, info.SerialNumber, info.NotBefore, info.NotAfter);
        }
    }

    private DateTime Deadline() => DateTime.UtcNow + _options.CallTimeout;

    private ILogger Logger<T>() => _options.LoggerFactory?.CreateLogger<T>() ?? NullLogger<T>.Instance;
}
