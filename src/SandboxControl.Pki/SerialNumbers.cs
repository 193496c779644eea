using System.Security.Cryptography;

namespace SandboxControl.Pki;

/// <summary>Random certificate serial numbers.</summary>
internal static class SerialNumbers
{
    private const int Length = 16;

    /// <summary>
    /// 16 random bytes, big-endian, with the top bit cleared (a DER INTEGER with it set is negative)
    /// and a non-zero first byte (a leading zero would not be minimal DER and shortens the serial).
    /// </summary>
    internal static byte[] Create()
    {
        var serial = RandomNumberGenerator.GetBytes(Length);
        serial[0] &= 0x7F;
        if (serial[0] == 0)
        {
            serial[0] = 0x01;
        }

        return serial;
    }
}
