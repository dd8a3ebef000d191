using System.Text;
using Crm.Domain.Common;
using Crm.Domain.Transfers;

namespace Crm.UnitTests.Transfers;

public sealed class ImportFileTests
{
    private static CellTable Read(string text, bool bom = false, int maxRows = 100) =>
        CsvTable.Read(new MemoryStream([.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)]), maxRows);

    [Fact]
    public void CsvReadsQuotedCellsLineBreaksAndAByteOrderMark()
    {
        var table = Read("name,note\r\n\"Acme, Ltd\",\"said \"\"hi\"\"\nthen left\"\n\nBeta,\n", bom: true);
        Assert.Equal(["name", "note"], table.Header);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(["Acme, Ltd", "said \"hi\"\nthen left"], table.Rows[0]);
        Assert.Equal(["Beta", ""], table.Rows[1]);
    }

    [Fact]
    public void CsvStopsAtTheRowLimit()
    {
        Assert.Throws<TooManyRowsException>(() => Read("name\nA\nB\nC\n", maxRows: 2));
        Assert.Empty(Read("").Header);
    }

    [Fact]
    public void CsvThatIsNotUtf8IsRefused() =>
        Assert.Throws<DecoderFallbackException>(() => CsvTable.Read(new MemoryStream([0x6E, 0x61, 0xFF, 0xFE, 0x0A]), 10));

    private static readonly Dictionary<string, CellKind> Fields = new()
    {
        ["name"] = CellKind.Text, ["score"] = CellKind.Number, ["active"] = CellKind.Boolean, ["tags"] = CellKind.List,
        ["address"] = CellKind.Json, ["address.city"] = CellKind.Text,
    };

    [Fact]
    public void HeadersMapToFieldsCustomFieldsAndLabelsIgnoringCase()
    {
        var mapping = ImportColumns.Map([" Name ", "address.CITY", "Sales region", "customFields.size", "createdAt"], Fields,
            new HashSet<string>(["id", "createdAt"], StringComparer.OrdinalIgnoreCase),
            [new("region", "Sales region", CellKind.Text), new("size", "Size", CellKind.Number)], keyColumn: null);
        Assert.Equal(["name", "address.city", "customFields.region", "customFields.size"], mapping.Columns.Select(c => c.Path));
        Assert.Equal(["createdAt"], mapping.Ignored);
    }

    [Fact]
    public void UnknownAndRepeatedColumnsAreRefused()
    {
        var unknown = Assert.Throws<ValidationException>(() => ImportColumns.Map(["name", "colour", ""], Fields, new HashSet<string>(), [], null));
        Assert.Equal("import.unknown_columns", unknown.Code);
        Assert.Equal(2, unknown.Errors["columns"].Length);
        Assert.Equal("import.duplicate_columns", Assert.Throws<ValidationException>(() => ImportColumns.Map(["name", "NAME"], Fields, new HashSet<string>(), [], null)).Code);
        Assert.Equal("import.header_required", Assert.Throws<ValidationException>(() => ImportColumns.Map([], Fields, new HashSet<string>(), [], null)).Code);
    }

    [Fact]
    public void CellsBecomeTypedJsonAndEmptyCellsAreLeftOut()
    {
        var columns = ImportColumns.Map(["name", "score", "active", "tags", "address.city"], Fields, new HashSet<string>(), [], null).Columns;
        var body = ImportRows.ToBody(columns, ["Acme", "12.5", "yes", "a; b", "Shanghai"]);
        Assert.Equal("""{"name":"Acme","score":12.5,"active":true,"tags":["a","b"],"address":{"city":"Shanghai"}}""", body.ToJsonString());
        Assert.Equal("""{"name":"Beta"}""", ImportRows.ToBody(columns, ["Beta", "", " "]).ToJsonString());
        var bad = Assert.Throws<ValidationException>(() => ImportRows.ToBody(columns, ["C", "1,5", "maybe"]));
        Assert.Equal(["active", "score"], bad.Errors.Keys.Order());
    }
}
