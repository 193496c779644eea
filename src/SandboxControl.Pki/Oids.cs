namespace SandboxControl.Pki;

/// <summary>Object identifiers used by the issued certificates.</summary>
public static class Oids
{
    /// <summary>Extended key usage id-kp-clientAuth (TLS client authentication).</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>Extended key usage id-kp-serverAuth (TLS server authentication).</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
}
