using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;

namespace SandboxControl.Cli.Connection;

/// <summary>The trusted CA certificates and the client certificate, checked before any connection is attempted.</summary>
internal sealed class ClientCredentials : IDisposable
{
    private ClientCredentials(X509Certificate2Collection trustedCas, X509Certificate2 clientCertificate)
    {
        TrustedCas = trustedCas;
        ClientCertificate = clientCertificate;
    }

    public X509Certificate2Collection TrustedCas { get; }

    public X509Certificate2 ClientCertificate { get; }

    /// <exception cref="CannotConnectException">A file is missing, unreadable or unusable, or the client certificate is not currently valid.</exception>
    public static ClientCredentials Load(ConnectionSettings settings, TimeProvider time)
    {
        var cas = LoadCas(settings.CaPath);
        X509Certificate2 certificate;
        try
        {
            certificate = PemFiles.LoadCertificateWithKey(settings.CertificatePath, settings.KeyPath);
        }
        catch (FileNotFoundException exception)
        {
            var which = exception.FileName == settings.KeyPath ? "client key file" : "client certificate file";
            throw new CannotConnectException($"cannot connect: {which} '{exception.FileName}' does not exist.");
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException or CryptographicException)
        {
            // PemFiles messages name the file, never its contents.
            throw new CannotConnectException(
                $"cannot connect: client certificate '{settings.CertificatePath}' with key '{settings.KeyPath}' is unusable: {exception.Message}");
        }

        var now = time.GetUtcNow();
        if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime || certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            var state = certificate.NotAfter.ToUniversalTime() < now.UtcDateTime ? "expired" : "is not yet valid";
            var message = string.Create(
                CultureInfo.InvariantCulture,
                $"cannot connect: client certificate '{settings.CertificatePath}' {state} (valid {certificate.NotBefore.ToUniversalTime():u} to NotAfter {certificate.NotAfter.ToUniversalTime():u}).");
            certificate.Dispose();
            throw new CannotConnectException(message);
        }

        return new ClientCredentials(cas, certificate);
    }

    public void Dispose()
    {
        ClientCertificate.Dispose();
        foreach (var ca in TrustedCas)
        {
            ca.Dispose();
        }
    }

    private static X509Certificate2Collection LoadCas(string path)
    {
        try
        {
            return PemFiles.LoadCertificates(path);
        }
        catch (FileNotFoundException)
        {
            throw new CannotConnectException($"cannot connect: CA file '{path}' does not exist.");
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CannotConnectException($"cannot connect: CA file '{path}' is unusable: {exception.Message}");
        }
    }
}
