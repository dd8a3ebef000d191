using System.Net;
using System.Net.Http.Json;
using System.Text;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Domain.Access;
using MiniExcelLibs;

namespace Crm.ApiTests.Transfers;

/// <summary>An app whose upload limit is small enough to exceed in a test.</summary>
public sealed class ImportApp : CrmApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Transfers:MaxImportBytes"] = "200000" };
}

/// <summary>POST /api/v1/imports: CSV and XLSX files in each mode, dry runs, rejected rows, and the checks made before a job starts.</summary>
public sealed class ImportApiTests(ImportApp app) : IClassFixture<ImportApp>
{
    [Fact]
    public async Task CsvImportCreatesCustomersOwnedByTheImporterAndListsRejectedRows()
    {
        var tenant = await app.NewTenantAsync();
        var s = Api.Stamp();
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/custom-fields/customers", new { key = "region", label = "Sales region", type = "text" })).ExpectAsync(HttpStatusCode.Created);
        var csv = $"Name,phone,email,tags,address.city,Sales region,id,createdAt\r\n" +
                  $"\"Acme, {s}\",010-1234,info@acme.test,vip; east,Shanghai,,,\r\n" +
                  $"Bad mail {s},,not-an-email,,,,,\r\n" +
                  $"Beta {s},,,,,north,ignored-id,2020-01-01\r\n";
        var job = await tenant.Admin.ImportAndWaitAsync("customers", TransferSetup.Csv(csv));
        TransferSetup.AssertCounts(job, created: 2, failed: 1);
        Assert.Equal(["id", "createdAt"], job.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()));

        var acme = Assert.Single((await tenant.Admin.GetJsonAsync($"/api/v1/customers?q=Acme")).Items());
        Assert.Equal($"Acme, {s}", acme.Str("name"));
        Assert.Equal(tenant.AdminUserId, acme.Str("ownerId"));
        Assert.Equal(["vip", "east"], acme.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Shanghai", acme.GetProperty("address").Str("city"));
        var beta = Assert.Single((await tenant.Admin.GetJsonAsync($"/api/v1/customers?q=Beta")).Items());
        Assert.Equal("north", beta.GetProperty("customFields").Str("region"));

        var errors = await tenant.Admin.GetAsync($"/api/v1/imports/{job.Id()}/errors");
        Assert.Equal(HttpStatusCode.OK, errors.StatusCode);
        Assert.Equal("text/csv", errors.Content.Headers.ContentType?.MediaType);
        var lines = (await errors.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,Name,phone,email,tags,address.city,Sales region,id,createdAt,code,field,reason", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"2,Bad mail {s},,not-an-email,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",validation.failed,email,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task XlsxImportUpdatesByKeyAndCreatesTheRest()
    {
        var tenant = await app.NewTenantAsync();
        var s = Api.Stamp();
        var existing = await tenant.Admin.CreateCustomerAsync($"Gamma {s}", phone: "111");
        var file = Xlsx(["name", "phone", "website"], [[$"Gamma {s}", "222", "https://gamma.test"], [$"Delta {s}", "333", ""]]);
        var job = await tenant.Admin.ImportAndWaitAsync("customers", file, "book.xlsx", mode: "updateByKey", keyField: "name");
        TransferSetup.AssertCounts(job, created: 1, updated: 1);
        var gamma = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{existing.Id()}");
        Assert.Equal(("222", "https://gamma.test"), (gamma.Str("phone"), gamma.Str("website")));
        Assert.Single((await tenant.Admin.GetJsonAsync($"/api/v1/customers?q=Delta")).Items());

        // By id: the id column finds the record and is not written; an id matching nothing is rejected.
        var byId = TransferSetup.Csv($"id,phone\r\n{existing.Id()},444\r\n01aaaaaaaaaaaaaaaaaaaaaaaa,555\r\n");
        var second = await tenant.Admin.ImportAndWaitAsync("customers", byId, mode: "updateByKey", keyField: "id");
        TransferSetup.AssertCounts(second, updated: 1, failed: 1);
        Assert.Equal("444", (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{existing.Id()}")).Str("phone"));
    }

    [Fact]
    public async Task SkipDuplicatesCountsTakenNamesWhereCreateRejectsThem()
    {
        var tenant = await app.NewTenantAsync();
        var s = Api.Stamp();
        await tenant.Admin.CreateCustomerAsync($"Taken {s}");
        var csv = TransferSetup.Csv($"name\r\nTaken {s}\r\nFresh {s}\r\n");
        TransferSetup.AssertCounts(await tenant.Admin.ImportAndWaitAsync("customers", csv, mode: "skipDuplicates"), created: 1, skipped: 1);
        var rejected = await tenant.Admin.ImportAndWaitAsync("customers", TransferSetup.Csv($"name\r\nTaken {s}\r\nOther {s}\r\n"));
        TransferSetup.AssertCounts(rejected, created: 1, failed: 1);
        var errors = await tenant.Admin.GetStringAsync($"/api/v1/imports/{rejected.Id()}/errors");
        Assert.Contains("customer.duplicate_name", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRunChecksEveryRowAndWritesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var s = Api.Stamp();
        await tenant.Admin.CreateCustomerAsync($"Held {s}");
        var before = (await tenant.Admin.ListAllAsync("/api/v1/customers")).Count;
        var csv = TransferSetup.Csv($"name,level\r\nNew {s},\r\nHeld {s},\r\nOdd {s},no-such-level\r\n", bom: false);
        var job = await tenant.Admin.ImportAndWaitAsync("customers", csv, dryRun: true);
        TransferSetup.AssertCounts(job, created: 1, failed: 2);
        Assert.True(job.GetProperty("dryRun").GetBoolean());
        Assert.Equal(before, (await tenant.Admin.ListAllAsync("/api/v1/customers")).Count);
        var errors = await tenant.Admin.GetStringAsync($"/api/v1/imports/{job.Id()}/errors");
        Assert.Contains("customer.duplicate_name", errors, StringComparison.Ordinal);
        Assert.Contains(",level,", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadFilesAreRefusedBeforeAJobStarts()
    {
        var tenant = await app.NewTenantAsync();
        var unknown = await (await tenant.Admin.ImportAsync("customers", TransferSetup.Csv("name,colour,shoeSize\r\nA,red,42\r\n")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "import.unknown_columns");
        Assert.Contains("colour", unknown.GetProperty("errors").GetProperty("columns").ToString(), StringComparison.Ordinal);
        Assert.Contains("shoeSize", unknown.GetProperty("errors").GetProperty("columns").ToString(), StringComparison.Ordinal);
        await (await tenant.Admin.ImportAsync("customers", [])).ExpectProblemAsync(HttpStatusCode.BadRequest, "import.empty_file");
        await (await tenant.Admin.ImportAsync("customers", TransferSetup.Csv("\r\n"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "import.header_required");
        await (await tenant.Admin.ImportAsync("customers", TransferSetup.Csv("name\r\n"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "import.no_rows");
        await (await tenant.Admin.ImportAsync("customers", TransferSetup.Csv("name\r\nA\r\n"), "x.xlsx")).ExpectProblemAsync(HttpStatusCode.BadRequest, "import.unreadable_file");
        await (await tenant.Admin.ImportAsync("planets", TransferSetup.Csv("name\r\nA\r\n"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "transfer.unknown_entity_type");
        await (await tenant.Admin.ImportAsync("customers", TransferSetup.Csv("name\r\nA\r\n"), mode: "updateByKey", keyField: "description"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "import.invalid_key_field");
        await (await tenant.Admin.ImportAsync("customers", TransferSetup.Csv("phone\r\n1\r\n"), mode: "updateByKey", keyField: "name"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "import.key_column_missing");
        var big = TransferSetup.Csv("name\r\n" + string.Concat(Enumerable.Range(0, 11_000).Select(i => $"Customer number {i}\r\n")));
        Assert.InRange(big.Length, 200_001, 264_000);
        await (await tenant.Admin.ImportAsync("customers", big)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "import.file_too_large");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await tenant.Admin.ImportAsync("customers", new byte[400_000])).StatusCode);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/imports", new { entityType = "customers" })).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/customers")).Items());
    }

    [Fact]
    public async Task ImportingNeedsTheTypesImportRightAndUpdatingItsEditRight()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant, DataScope.Self);
        var csv = TransferSetup.Csv("name\r\nA\r\n");
        await (await rep.ImportAsync("customers", csv)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        var (_, importer) = await app.NewSellerAsync(tenant, DataScope.Self, rights: ["customers.view", "customers.create", "customers.import"]);
        await (await importer.ImportAsync("customers", csv, mode: "updateByKey", keyField: "name")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        var job = await importer.ImportAndWaitAsync("customers", TransferSetup.Csv($"name\r\nMine {Api.Stamp()}\r\n"));
        TransferSetup.AssertCounts(job, created: 1);
        // The job is its creator's (and settings managers'): a colleague does not learn it exists.
        await (await rep.GetAsync($"/api/v1/imports/{job.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "import.not_found");
        await (await rep.GetAsync($"/api/v1/imports/{job.Id()}/errors")).ExpectProblemAsync(HttpStatusCode.NotFound, "import.not_found");
        await tenant.Admin.GetJsonAsync($"/api/v1/imports/{job.Id()}");
    }

    [Fact]
    public async Task RowsOutsideTheImportersScopeAreRejected()
    {
        var tenant = await app.NewTenantAsync();
        var (colleague, _) = await app.NewSellerAsync(tenant, DataScope.Self);
        var (_, importer) = await app.NewSellerAsync(tenant, DataScope.Self, rights: ["customers.view", "customers.create", "customers.import"]);
        var csv = TransferSetup.Csv($"name,ownerId\r\nGift {Api.Stamp()},{colleague}\r\nOwn {Api.Stamp()},\r\n");
        var job = await importer.ImportAndWaitAsync("customers", csv);
        TransferSetup.AssertCounts(job, created: 1, failed: 1);
        Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/customers")).Items());
    }

    /// <summary>A workbook as a spreadsheet program would save it: text cells, an empty cell where the text is empty.</summary>
    public static byte[] Xlsx(string[] header, string[][] rows)
    {
        var sheet = rows.Select(row => header.Select((column, c) => (column, value: c < row.Length && row[c].Length > 0 ? (object?)row[c] : null))
            .ToDictionary(p => p.column, p => p.value));
        using var stream = new MemoryStream();
        stream.SaveAs(sheet, sheetName: "Sheet1", excelType: ExcelType.XLSX);
        return stream.ToArray();
    }
}
