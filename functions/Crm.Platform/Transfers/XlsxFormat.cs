using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Transfers;
using OfficeOpenXml;

namespace Crm.Platform.Transfers;

/// <summary>
/// XLSX through EPPlus 4.5 (the last LGPL release). Reading takes the first worksheet, its first row as the
/// header. Writing stores every value as a typed cell value, never as a formula, so text starting with '='
/// cannot run in Excel (the CSV's apostrophe guard is not needed here).
/// </summary>
public static class XlsxFormat
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static CellTable Read(Stream stream, int maxRows)
    {
        using var package = new ExcelPackage(stream);
        var sheet = package.Workbook.Worksheets.FirstOrDefault();
        if (sheet?.Dimension is not { } range)
        {
            return new CellTable([], []);
        }
        var width = range.End.Column;
        string[] Row(int r) => [.. Enumerable.Range(1, width).Select(c => Text(sheet.Cells[r, c].Value))];
        var header = Row(range.Start.Row);
        var rows = new List<string[]>();
        for (var r = range.Start.Row + 1; r <= range.End.Row; r++)
        {
            var row = Row(r);
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
        return new CellTable(header, rows);
    }

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

    public static byte[] Write(string sheetName, IReadOnlyList<string> columns, IEnumerable<IEnumerable<JsonNode?>> rows)
    {
        using var package = new ExcelPackage();
        var sheet = package.Workbook.Worksheets.Add(sheetName);
        for (var c = 0; c < columns.Count; c++)
        {
            sheet.Cells[1, c + 1].Value = columns[c];
        }
        var r = 2;
        foreach (var row in rows)
        {
            var c = 1;
            foreach (var value in row)
            {
                sheet.Cells[r, c++].Value = Cell(value);
            }
            r++;
        }
        return package.GetAsByteArray();
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
