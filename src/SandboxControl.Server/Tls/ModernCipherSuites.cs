using System.Net.Security;

namespace SandboxControl.Server.Tls;

/// <summary>
/// The "intermediate" server profile: TLS 1.3's suites, and for TLS 1.2 only ECDHE key exchange with
/// AEAD ciphers (AES-GCM, ChaCha20-Poly1305). CBC suites are off (padding-oracle and Lucky13 class attacks).
/// </summary>
internal static class ModernCipherSuites
{
    // Suites is declared first: static initializers run in declaration order and Policy reads it.
    /// <summary>The suites offered, in preference order.</summary>
    public static IReadOnlyList<TlsCipherSuite> Suites { get; } =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>
    /// The policy on Linux (OpenSSL); null elsewhere, where SslStream cannot restrict suites per listener and
    /// the operating system's TLS policy applies.
    /// </summary>
    public static CipherSuitesPolicy? Policy { get; } = OperatingSystem.IsLinux() ? Create() : null;

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static CipherSuitesPolicy Create() => new(Suites);
}
