using System.Net;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Domain.Access;
using MiniExcelLibs;

namespace Crm.ApiTests.Transfers;

/// <summary>POST /api/v1/exports: files by id or by search, in CSV and XLSX, within the creator's scope and field rules.</summary>
public sealed class ExportApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task ExportOfIdsIsACsvFileWithTheRecordsAndAFormulaGuard()
    {
        var tenant = await app.NewTenantAsync();
        var s = Api.Stamp();
        var a = await tenant.Admin.CreateCustomerAsync($"=HYPERLINK(\"x\") {s}", phone: "+86 138 0000 0000");
        var b = await tenant.Admin.CreateCustomerAsync($"Plain {s}");
        await tenant.Admin.CreateCustomerAsync($"Left out {s}");
        var job = await tenant.Admin.ExportAndWaitAsync(new { entityType = "customers", ids = new[] { a.Id(), b.Id() }, format = "csv", fields = new[] { "name", "phone", "id" } });
        Assert.Equal(("succeeded", 2), (job.Str("status"), job.GetProperty("total").GetInt32()));
        var file = await tenant.Admin.GetAsync($"/api/v1/exports/{job.Id()}/file");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/csv", file.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".csv", file.Content.Headers.ContentDisposition?.FileNameStar ?? file.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        var lines = (await file.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,phone,id", lines[0]);
        Assert.Contains($"\"'=HYPERLINK(\"\"x\"\") {s}\",+86 138 0000 0000,{a.Id()}", lines);
        Assert.Contains($"Plain {s},,{b.Id()}", lines);
        Assert.Equal(3, lines.Length);
        var audit = await tenant.Admin.GetJsonAsync("/api/v1/audit-logs?recordType=customer");
        Assert.Contains(audit.Items(), e => e.Str("action") == "exported" && e.Str("note").Contains(job.Id(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportOfASearchIsAnXlsxWorkbook()
    {
        var tenant = await app.NewTenantAsync();
        var s = Api.Stamp();
        await tenant.Admin.CreateCustomerAsync($"Xl one {s}", phone: "123");
        await tenant.Admin.CreateCustomerAsync($"Xl two {s}");
        await tenant.Admin.CreateCustomerAsync($"Other {s}");
        var search = new { filterGroups = new[] { new { filters = new[] { new { field = "name", op = "startsWith", value = "Xl" } } } }, sort = new[] { new { field = "name", dir = "asc" } } };
        var job = await tenant.Admin.ExportAndWaitAsync(new { entityType = "customers", search, format = "xlsx" });
        Assert.Equal(2, job.GetProperty("total").GetInt32());
        var file = await tenant.Admin.GetAsync($"/api/v1/exports/{job.Id()}/file");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file.Content.Headers.ContentType?.MediaType);
        using var content = new MemoryStream(await file.Content.ReadAsByteArrayAsync());
        var sheet = content.Query(useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(2, sheet.Count);
        Assert.Equal(($"Xl one {s}", "123"), (sheet[0]["name"], sheet[0]["phone"]));
        Assert.Equal($"Xl two {s}", sheet[1]["name"]);
    }

    [Fact]
    public async Task ARepsExportHoldsOnlyTheirRecordsWithTheirFieldRules()
    {
        var tenant = await app.NewTenantAsync();
        var s = Api.Stamp();
        var role = await app.CreateRoleAsync(tenant, DataScope.Self, SalesSetup.RepRights,
            [new FieldRule("customers", "phone", FieldAccess.Masked), new FieldRule("customers", "email", FieldAccess.Hidden)]);
        var (repId, rep) = await tenant.NewMemberAsync(null, null, role);
        var (colleagueId, _) = await app.NewSellerAsync(tenant, DataScope.Self);
        var mine = await tenant.Admin.CreateCustomerAsync($"Mine {s}", ownerId: repId, phone: "13812345678", email: "a@b.test");
        var theirs = await tenant.Admin.CreateCustomerAsync($"Theirs {s}", ownerId: colleagueId);
        foreach (var body in new object[] { new { entityType = "customers", format = "csv" }, new { entityType = "customers", ids = new[] { mine.Id(), theirs.Id() }, format = "csv" } })
        {
            var job = await rep.ExportAndWaitAsync(body);
            var text = await rep.GetStringAsync($"/api/v1/exports/{job.Id()}/file");
            Assert.Contains($"Mine {s}", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Theirs", text, StringComparison.Ordinal);
            Assert.DoesNotContain("13812345678", text, StringComparison.Ordinal);
            Assert.Contains("138****5678", text, StringComparison.Ordinal);
            Assert.DoesNotContain("a@b.test", text, StringComparison.Ordinal);
            Assert.DoesNotContain("email", text.Split("\r\n")[0], StringComparison.Ordinal);
            // The job is the rep's: a colleague with the same rights does not see it.
            await (await (await app.NewSellerAsync(tenant, DataScope.All)).Client.GetAsync($"/api/v1/exports/{job.Id()}/file"))
                .ExpectProblemAsync(HttpStatusCode.NotFound, "export.not_found");
        }
    }

    [Fact]
    public async Task ExportingNeedsTheTypesExportRightAndValidInput()
    {
        var tenant = await app.NewTenantAsync();
        var (_, viewer) = await app.NewSellerAsync(tenant, DataScope.All, rights: ["customers.view"]);
        await (await viewer.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "customers" }))).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await tenant.Admin.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "planets" }))).ExpectProblemAsync(HttpStatusCode.BadRequest, "transfer.unknown_entity_type");
        await (await tenant.Admin.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "customers", fields = new[] { "shoeSize" } })))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "export.unknown_fields");
        await (await tenant.Admin.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "customers", format = "pdf" }))).ExpectAsync(HttpStatusCode.BadRequest);
    }
}

/// <summary>No queue listeners: a job stays queued, so its file is not ready.</summary>
public sealed class IdleWorkerApp : CrmApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Triggers:Listeners:Enabled"] = "false" };
}

public sealed class ExportNotReadyTests(IdleWorkerApp app) : IClassFixture<IdleWorkerApp>
{
    [Fact]
    public async Task TheFileOfAQueuedExportIsNotReady()
    {
        var tenant = await app.NewTenantAsync();
        var job = await (await tenant.Admin.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "customers", format = "xlsx" }))).ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("queued", job.Str("status"));
        await (await tenant.Admin.GetAsync($"/api/v1/exports/{job.Id()}/file")).ExpectProblemAsync(HttpStatusCode.Conflict, "export.not_ready");
        Assert.Equal("queued", (await tenant.Admin.GetJsonAsync($"/api/v1/exports/{job.Id()}")).Str("status"));
    }
}
