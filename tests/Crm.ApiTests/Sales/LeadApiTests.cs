using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Sales;

public sealed class LeadApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task ALeadKeepsEveryFieldStartsAsNewAndAnswersWithLocationAndETag()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("leads", "budget", "number");
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/leads", new
        {
            name = " 王芳 ",
            company = "杭州云帆网络有限公司",
            title = "采购经理",
            phone = "+86 571-8888-0101",
            mobile = "139 0000 1111",
            email = "wang@yunfan.example",
            source = "exhibition",
            industry = "it",
            address = new { province = "浙江", city = "杭州", street = "文一西路 1 号" },
            nextContactAt = "2026-12-01T02:00:00Z",
            remark = "Met at the fair",
            tags = new[] { "hot", "hot", "2026" },
            customFields = new { budget = 50000 },
        });
        var created = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/leads/{created.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal($"\"{created.Str("version")}\"", response.Headers.ETag?.Tag);
        Assert.Equal("王芳", created.Str("name"));
        Assert.Equal("new", created.Str("status"));
        Assert.Equal(tenant.AdminUserId, created.Str("ownerId"));
        Assert.Equal("杭州", created.GetProperty("address").Str("city"));
        Assert.Equal(["hot", "2026"], created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(50000, created.GetProperty("customFields").GetProperty("budget").GetInt32());
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T02:00:00Z"), created.GetProperty("nextContactAt").GetDateTimeOffset());
        foreach (var unset in new[] { "lastFollowUpAt", "convertedAt", "convertedBy", "convertedTo" })
        {
            Assert.Equal(JsonValueKind.Null, created.GetProperty(unset).ValueKind);
        }

        var read = await tenant.Admin.GetJsonAsync($"/api/v1/leads/{created.Id()}");
        var patched = await (await tenant.Admin.PatchJsonAsync($"/api/v1/leads/{created.Id()}", new { status = "contacted", address = new { district = "西湖" } }, read.Str("version")))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("contacted", patched.Str("status"));
        Assert.Equal("杭州", patched.GetProperty("address").Str("city"));
        Assert.Equal("西湖", patched.GetProperty("address").Str("district"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/leads/{created.Id()}", new { status = "qualified" }, read.Str("version")))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={created.Id()}");
        Assert.Equal(["updated", "created"], audit.Select(e => e.Str("action")));
    }

    [Fact]
    public async Task BadInputAnswers400AndFollowUpAndConversionFieldsCannotBeWritten()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "x", address = new { postcode = new string('1', 21) }, tags = new[] { " " } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("address.postcode", problem.ErrorFields());
        Assert.Contains("tags", problem.ErrorFields());
        Assert.Contains("email", (await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "x", email = "not-an-email" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed")).ErrorFields());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "  " })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads", new { company = "No person" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "y", convertedAt = DateTimeOffset.UtcNow })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var lead = await tenant.Admin.CreateLeadAsync("Plain");
        foreach (var field in new object[] { new { lastFollowUpAt = DateTimeOffset.UtcNow }, new { convertedTo = new { customerId = lead.Id() } }, new { conversion = (object?)null } })
        {
            await (await tenant.Admin.PatchJsonAsync($"/api/v1/leads/{lead.Id()}", field)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        }
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/leads/{lead.Id()}", new { ownerId = "01aaaaaaaaaaaaaaaaaaaaaaaa" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "record.transfer_required");
        Assert.Equal([lead.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads")).Ids());
    }

    [Fact]
    public async Task StatusSourceAndIndustryTakeOnlyActiveDictionaryValues()
    {
        var tenant = await app.NewTenantAsync();
        foreach (var (field, bad) in new[] { ("status", new { name = "a", status = "converted" } as object), ("source", new { name = "a", source = "tv" }), ("industry", new { name = "a", industry = "mining" }) })
        {
            var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads", bad)).ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_unknown");
            Assert.Contains(field, problem.ErrorFields());
        }
        var lead = await tenant.Admin.CreateLeadAsync("Kept", status: "contacted", source: "website");
        await (await tenant.Admin.PostAsync("/api/v1/dictionaries/leadStatus/items/contacted/retire", null)).ExpectAsync(HttpStatusCode.OK);
        // The lead keeps its retired status through other changes; choosing it anew is refused.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/leads/{lead.Id()}", new { remark = "still contacted" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "b", status = "contacted" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_retired");
        // A tenant's own status is accepted once it is in the dictionary.
        await tenant.Admin.PostJsonAsync("/api/v1/dictionaries/leadStatus/items", new { value = "nurturing", label = "Nurturing" }, HttpStatusCode.Created);
        Assert.Equal("nurturing", (await tenant.Admin.PostJsonAsync("/api/v1/leads", new { name = "c", status = "nurturing" }, HttpStatusCode.Created)).Str("status"));
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/leads?name=a")).Items());
    }

    [Fact]
    public async Task ListsFilterByStatusAndSourceAndSearchByNameCompanyPhoneDigitsAndEmail()
    {
        var tenant = await app.NewTenantAsync();
        var web = await tenant.Admin.CreateLeadAsync("Zhou Min", company: "Orion Logistics", phone: "+86 21-6666-0001", email: "zhou@orion.example", source: "website");
        var fair = await tenant.Admin.CreateLeadAsync("Qian Lu", company: "Polaris Foods", mobile: "138-0000-2222", status: "qualified", source: "exhibition");

        Assert.Equal([web.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads?source=website")).Ids());
        Assert.Equal([fair.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads?status=qualified")).Ids());
        Assert.Equal([web.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads?status=new")).Ids());
        Assert.Equal([web.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads?q=orion")).Ids());
        Assert.Equal([fair.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads?q=qian")).Ids());
        Assert.Equal([web.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads?q=8621")).Ids());
        Assert.Equal([fair.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads?q=1380000")).Ids());
        Assert.Equal([web.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads?q=ZHOU@orion")).Ids());
        var search = await tenant.Admin.PostJsonAsync("/api/v1/leads/search",
            new { filterGroups = new[] { new { filters = new[] { new { field = "company", op = "startsWith", value = "Polaris" } } } } }, HttpStatusCode.OK);
        Assert.Equal([fair.Id()], search.Ids());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads/search", new { filterGroups = new[] { new { filters = new[] { new { field = "convertedAt", op = "isNull" } } } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "search.invalid_filter");
    }

    [Fact]
    public async Task ARepNeverSeesAColleaguesLeadInListSearchGetOrExport()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var (_, colleague) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var mine = await rep.CreateLeadAsync("Vega Mine", phone: "13700000001", source: "website");
        var theirs = await colleague.CreateLeadAsync("Vega Theirs", phone: "13700000002", source: "website");

        Assert.Equal([mine.Id()], (await rep.GetJsonAsync("/api/v1/leads")).Ids());
        Assert.Equal([mine.Id()], (await rep.GetJsonAsync("/api/v1/leads?q=vega")).Ids());
        Assert.Equal([mine.Id()], (await rep.GetJsonAsync("/api/v1/leads?q=137")).Ids());
        Assert.Equal([mine.Id()], (await rep.GetJsonAsync("/api/v1/leads?source=website")).Ids());
        var search = await rep.PostJsonAsync("/api/v1/leads/search", new { filterGroups = new[] { new { filters = new[] { new { field = "name", op = "startsWith", value = "vega" } } } } }, HttpStatusCode.OK);
        Assert.Equal([mine.Id()], search.Ids());
        await (await rep.GetAsync($"/api/v1/leads/{theirs.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "lead.not_found");
        await (await rep.PatchJsonAsync($"/api/v1/leads/{theirs.Id()}", new { remark = "mine now" })).ExpectProblemAsync(HttpStatusCode.NotFound, "lead.not_found");
        var csv = await (await rep.GetAsync("/api/v1/leads/export")).Content.ReadAsStringAsync();
        Assert.Contains("Vega Mine", csv);
        Assert.DoesNotContain("Vega Theirs", csv);
        var duplicates = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "lead", phone = "137 0000 0002" }, HttpStatusCode.OK);
        Assert.Empty(duplicates.GetProperty("matches").EnumerateArray());
        Assert.Equal(1, duplicates.GetProperty("hiddenCount").GetInt32());
        Assert.Equal(2, (await tenant.Admin.GetJsonAsync("/api/v1/leads?q=vega")).Items().Count);
    }

    [Fact]
    public async Task DuplicateCheckFindsLeadsByNameCompanyPhoneAndEmail()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Admin.CreateLeadAsync("Sun Wei", company: "Lyra Optics", mobile: "+86 139 1234 5678", email: "sun@lyra.example");
        Task<JsonElement> CheckAsync(object body) => tenant.Admin.PostJsonAsync("/api/v1/duplicates/check", body, HttpStatusCode.OK);
        string[] On(JsonElement report) => [.. report.GetProperty("matches").EnumerateArray().Single(m => m.Id() == lead.Id()).GetProperty("matchedOn").EnumerateArray().Select(e => e.GetString()!)];

        Assert.Equal(["name"], On(await CheckAsync(new { type = "lead", name = "SUN  wei" })));
        Assert.Equal(["company"], On(await CheckAsync(new { type = "lead", name = "lyra optics" })));
        Assert.Equal(["companyPrefix"], On(await CheckAsync(new { type = "lead", name = "Lyra" })));
        Assert.Equal(["phone"], On(await CheckAsync(new { type = "lead", phone = "8613912345678" })));
        Assert.Equal(["email"], On(await CheckAsync(new { type = "lead", email = "SUN@lyra.example" })));
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/duplicates/check", new { type = "deal", name = "x" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var (_, noLeads) = await app.NewSellerAsync(tenant, rights: ["customers.view"]);
        await (await noLeads.PostAsJsonAsync("/api/v1/duplicates/check", new { type = "lead", name = "sun" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task ADeletedLeadGoesToTheBinAndComesBack()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Admin.CreateLeadAsync(SalesSetup.Unique("Binned lead"), source: "referral");
        await (await tenant.Admin.DeleteAsync($"/api/v1/leads/{lead.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.GetAsync($"/api/v1/leads/{lead.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "lead.not_found");
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/leads?source=referral")).Items());
        Assert.Contains(lead.Id(), (await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin?type=lead")).Items().Select(i => i.Str("id")));

        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/lead/{lead.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([lead.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/leads?source=referral")).Ids());
    }
}
