using System.Text;

namespace Crm.Domain.Transfers;

/// <summary>A file's cells as text: the header row and the data rows (trailing blank lines dropped).</summary>
public sealed record CellTable(IReadOnlyList<string> Header, IReadOnlyList<string[]> Rows);

/// <summary>RFC 4180 reading: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF line ends.</summary>
public static class CsvTable
{
    /// <summary>
    /// Reads UTF-8 with or without a byte order mark. <paramref name="maxRows"/> stops a huge file early:
    /// the caller learns it is too long without holding all of it.
    /// </summary>
    public static CellTable Read(Stream stream, int maxRows)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        string[]? header = null;
        var rows = new List<string[]>();
        foreach (var record in Records(reader))
        {
            if (header is null)
            {
                header = record;
                continue;
            }
            if (record is [""])
            {
                continue; // a blank line between or after rows
            }
            if (rows.Count == maxRows)
            {
                throw new TooManyRowsException(maxRows);
            }
            rows.Add(record);
        }
        return new CellTable(header is null or [""] ? [] : header, rows);
    }

    private static IEnumerable<string[]> Records(TextReader reader)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        cell.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    cell.Append((char)c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\r' or '\n':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    yield return [.. cells];
                    cells.Clear();
                    any = false;
                    break;
                default:
                    cell.Append((char)c);
                    break;
            }
        }
        if (any)
        {
            cells.Add(cell.ToString());
            yield return [.. cells];
        }
    }
}

public sealed class TooManyRowsException(int maxRows) : Exception($"The file has more than {maxRows:N0} rows.")
{
    public int MaxRows { get; } = maxRows;
}
