using System.Security.Cryptography;

namespace SandboxControl.Server.Storage;

/// <summary>Incarnation ids: random, so two creations of one id never share one, whatever the replicas' clocks say.</summary>
internal static class Incarnations
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
