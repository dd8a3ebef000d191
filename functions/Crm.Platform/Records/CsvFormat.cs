using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using Crm.Domain.Common;
using Crm.Domain.Transfers;

namespace Crm.Platform.Records;

/// <summary>
/// CSV: written as RFC 4180 lines (fields with a comma, quote or line break are quoted, quotes doubled, CRLF line
/// ends), read through CsvHelper's RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; CRLF or
/// LF line ends; empty lines are skipped. The separator is the comma, never guessed from the content. Malformed
/// quoting is recovered as CsvHelper does (a stray quote in an unquoted field is kept as text), as spreadsheets
/// write such files.
/// </summary>
public static class CsvFormat
{
    private static readonly CsvReaderOptions Options = new()
    {
        Separator = ',',
        HasHeader = false,
        Mode = CsvMode.Rfc4180,
        SkipEmptyLines = true,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        MalformedData = CsvMalformedDataHandling.Recover,
    };

    /// <summary>
    /// Reads UTF-8 with or without a byte order mark; anything else is refused (<see cref="DecoderFallbackException"/>).
    /// <paramref name="maxRows"/> stops a huge file early: the caller learns it is too long without holding all of it.
    /// </summary>
    public static CellTable Read(Stream stream, int maxRows)
    {
        using var text = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        using var reader = CsvReader.Create(text, Options, false);
        string[]? header = null;
        var rows = new List<string[]>();
        foreach (var record in reader)
        {
            if (header is null)
            {
                header = record.ToArray();
                continue;
            }
            if (rows.Count == maxRows)
            {
                throw new TooManyRowsException(maxRows);
            }
            rows.Add(record.ToArray());
        }
        return new CellTable(header is null or [""] ? [] : header, rows);
    }


    public static string Line(IEnumerable<string> cells) => string.Join(',', cells.Select(Quote)) + "\r\n";

    public static string Cell(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var text) => Defuse(text),
        JsonValue v => v.ToJsonString(),
        _ => value.ToJsonString(CrmJson.Options),
    };

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    /// <summary>
    /// Text starting like a spreadsheet formula is prefixed with an apostrophe, so opening the file cannot
    /// run what a record's author typed (CSV injection); phone numbers like "+86 138..." stay as they are.
    /// </summary>
    public static string Defuse(string text) =>
        text.Length > 0 && (text[0] is '=' or '@' or '\t' or '\r' || (text[0] is '+' or '-' && text.Length > 1 && !char.IsAsciiDigit(text[1]) && text[1] != ' '))
            ? "'" + text
            : text;
}
