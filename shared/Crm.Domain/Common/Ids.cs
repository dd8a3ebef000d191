using System.Security.Cryptography;

namespace Crm.Domain.Common;

/// <summary>
/// Server-generated ids: 26 characters of Crockford base32, a 48-bit millisecond timestamp then
/// 80 random bits (the ULID layout), so ids sort by creation time and are safe in table keys.
/// </summary>
public static class Ids
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New(DateTimeOffset? at = null)
    {
        var ms = (ulong)(at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }
        RandomNumberGenerator.Fill(bytes[6..]);
        return Encode(bytes);
    }

    public static bool IsWellFormed(string? id) =>
        id is { Length: 26 } && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        // 128 bits → 26 base32 digits (the first digit carries the top 3 bits).
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        Span<char> chars = stackalloc char[26];
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return new string(chars);
    }
}
