using Azure.Data.Tables;

namespace Crm.Storage;

/// <summary>
/// Text longer than one table property holds (32K characters) spread over numbered properties of one row
/// (<c>Body</c>, <c>Body1</c>, <c>Body2</c>...), up to what an entity holds (1 MiB, two bytes a character).
/// </summary>
public static class ChunkedText
{
    private const int ChunkChars = 30_000;

    /// <summary>Fifteen chunks are 900 KB of UTF-16: room for the row's other properties under the 1 MiB entity limit.</summary>
    public const int MaxChars = ChunkChars * 15;

    public static bool Fits(string text) => text.Length <= MaxChars;

    public static void Write(TableEntity row, string name, string text)
    {
        if (!Fits(text))
        {
            throw new ArgumentOutOfRangeException(nameof(text), $"At most {MaxChars:N0} characters fit in one row.");
        }
        row[name] = text[..Math.Min(ChunkChars, text.Length)];
        for (var i = 1; i * ChunkChars < text.Length; i++)
        {
            row[name + i] = text.Substring(i * ChunkChars, Math.Min(ChunkChars, text.Length - (i * ChunkChars)));
        }
    }

    public static string? Read(TableEntity row, string name)
    {
        if (row.GetString(name) is not { } first)
        {
            return null;
        }
        if (row.GetString(name + 1) is null)
        {
            return first;
        }
        var text = new System.Text.StringBuilder(first);
        for (var i = 1; row.GetString(name + i) is { } chunk; i++)
        {
            text.Append(chunk);
        }
        return text.ToString();
    }
}
