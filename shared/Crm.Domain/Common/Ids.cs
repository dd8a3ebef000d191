using System.Security.Cryptography;

namespace Crm.Domain.Common;

/// <summary>
/// Server-generated ids: 26 characters of Crockford base32, a 48-bit millisecond timestamp then
/// 80 random bits (the ULID layout), so ids sort by creation time and are safe in table keys.
/// </summary>
public static class Ids
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    private static readonly Lock Gate = new();
    private static long _lastMs = -1;
    private static UInt128 _lastRandom;
    private static readonly UInt128 RandomMask = (UInt128.One << 80) - 1;

    /// <summary>
    /// Within one millisecond the random part counts up from the first id's (monotonic ULID), so
    /// two changes made in the same millisecond keep their order in the audit log and the feed.
    /// </summary>
    public static string New(DateTimeOffset? at = null)
    {
        var ms = (at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        UInt128 random;
        lock (Gate)
        {
            if (ms == _lastMs && _lastRandom < RandomMask)
            {
                random = ++_lastRandom;
            }
            else
            {
                Span<byte> fresh = stackalloc byte[16];
                RandomNumberGenerator.Fill(fresh);
                // The top bit stays clear so that counting up within a millisecond cannot overflow.
                random = new UInt128(BitConverter.ToUInt64(fresh[..8]), BitConverter.ToUInt64(fresh[8..])) & (RandomMask >> 1);
                (_lastMs, _lastRandom) = (ms, random);
            }
        }
        Span<byte> bytes = stackalloc byte[16];
        var time = (ulong)ms;
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(time & 0xFF);
            time >>= 8;
        }
        for (var i = 15; i >= 6; i--)
        {
            bytes[i] = (byte)(random & 0xFF);
            random >>= 8;
        }
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
