using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Client.Renewal;

/// <summary>
/// Renews at a fraction of the current certificate's lifetime, and again for each new certificate
/// (renewed or replaced on disk). Failures are retried with jittered backoff, capped at a quarter of
/// the remaining lifetime, so there are several attempts before the certificate ends.
/// </summary>
internal sealed class RenewalScheduler(
    Func<X509Certificate2> current,
    Func<CancellationToken, Task> renewAsync,
    Action<Exception, int, DateTimeOffset> onFailure,
    double fraction,
    TimeProvider time)
{
    private static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var certificate = current();
            var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var renewAt = notBefore + ((notAfter - notBefore) * fraction);
            var now = time.GetUtcNow();
            // Short sleeps: a certificate replaced on disk meanwhile gets its own schedule.
            if (now < renewAt || now >= notAfter)
            {
                var wait = now < renewAt ? renewAt - now : MaxSleep;
                await Task.Delay(wait < MaxSleep ? wait : MaxSleep, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await renewAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or Grpc.Core.RpcException)
            {
                // Stopping (disposal): not a failed renewal.
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures++;
                onFailure(ex, failures, notAfter);
                var cap = (notAfter - now) / 4;
                await Task.Delay(Backoff.Delay(failures - 1, FirstRetry, cap > FirstRetry ? cap : FirstRetry), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
