using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crm.Domain.Common;

namespace Crm.Storage.Records;

/// <summary>
/// The opaque cursor: the last row key read, bound to the query that produced it (a cursor from
/// another sort or filter would silently skip or repeat records, so it is refused instead).
/// </summary>
internal sealed record ListCursor(string LastKey, string QueryHash)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { LastKey, QueryHash }));

    public static ListCursor? Decode(string? cursor, string expectedHash)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor));
            if (parts is [{ } key, { } hash] && hash == expectedHash)
            {
                return new ListCursor(key, hash);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }
        throw new ValidationException("cursor", "The cursor is malformed or belongs to another query.", "cursor.invalid");
    }

    public static string Hash(params string?[] parts) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts))))[..16];
}
