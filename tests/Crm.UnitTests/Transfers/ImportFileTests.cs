using System.Text;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Transfers;
using Crm.Platform.Records;
using Crm.Platform.Transfers;

namespace Crm.UnitTests.Transfers;

public sealed class ImportFileTests
{
    private static CellTable Read(string text, bool bom = false, int maxRows = 100) =>
        CsvFormat.Read(new MemoryStream([.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)]), maxRows);

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
        Assert.Throws<DecoderFallbackException>(() => CsvFormat.Read(new MemoryStream([0x6E, 0x61, 0xFF, 0xFE, 0x0A]), 10));

    [Fact]
    public void XlsxKeepsTextThatLooksLikeAFormulaAsTextAndReadsNumbersAndBooleansBack()
    {
        var file = XlsxFormat.Write("customers", ["name", "score", "active", "note"],
            [[JsonValue.Create("=HYPERLINK(\"http://x\",\"y\")"), JsonValue.Create(12.5m), JsonValue.Create(true), null]]);

        var table = XlsxFormat.Read(new MemoryStream(file), 10);

        Assert.Equal(["name", "score", "active", "note"], table.Header);
        Assert.Equal(["=HYPERLINK(\"http://x\",\"y\")", "12.5", "true", ""], Assert.Single(table.Rows));
        Assert.Empty(XlsxFormat.Read(new MemoryStream(XlsxFormat.Write("empty", ["name"], [])), 10).Rows);
        Assert.Throws<TooManyRowsException>(() => XlsxFormat.Read(new MemoryStream(XlsxFormat.Write("many", ["name"],
            [[JsonValue.Create("a")], [JsonValue.Create("b")]])), 1));
    }

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
