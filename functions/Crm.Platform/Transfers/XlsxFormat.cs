using System.Data;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Transfers;
using MiniExcelLibs;

namespace Crm.Platform.Transfers;

/// <summary>
/// XLSX through MiniExcel (Apache-2.0), which streams rows rather than holding the workbook. Reading takes the
/// first worksheet, its first row as the header. Writing stores every value as a typed cell value, never as a
/// formula (MiniExcel writes a formula only for a column declared one), so text starting with '=' cannot run in
/// Excel and the CSV's apostrophe guard is not needed here.
/// </summary>
public static class XlsxFormat
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static CellTable Read(Stream stream, int maxRows)
    {
        string[]? header = null;
        var rows = new List<string[]>();
        foreach (IDictionary<string, object?> cells in MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX))
        {
            var row = cells.Values.Select(Text).ToArray();
            if (header is null)
            {
                header = row;
                continue;
            }
            if (row.All(c => c.Length == 0))
            {
                continue;
            }
            if (rows.Count == maxRows)
            {
                throw new TooManyRowsException(maxRows);
            }
            rows.Add(row);
        }
        if (header is null)
        {
            return new CellTable([], []);
        }
        // Every row as wide as the widest, as the sheet's dimension is.
        var width = rows.Select(r => r.Length).Append(header.Length).Max();
        return new CellTable(Padded(header, width), [.. rows.Select(r => Padded(r, width))]);
    }

    private static string[] Padded(string[] row, int width) => row.Length == width ? row : [.. row, .. Enumerable.Repeat("", width - row.Length)];

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        double n => n.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The header row always, the rows under it; a table keeps the header even when there are no rows.</summary>
    public static byte[] Write(string sheetName, IReadOnlyList<string> columns, IEnumerable<IEnumerable<JsonNode?>> rows)
    {
        using var table = new DataTable(sheetName) { Locale = CultureInfo.InvariantCulture };
        foreach (var column in columns)
        {
            table.Columns.Add(column, typeof(object));
        }
        foreach (var row in rows)
        {
            table.Rows.Add([.. row.Select(v => Cell(v) ?? DBNull.Value)]);
        }
        using var stream = new MemoryStream();
        stream.SaveAs(table, sheetName: sheetName, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static object? Cell(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => value.ToJsonString(CrmJson.Options),
    };
}
