using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

public sealed class CustomerApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task ACustomerKeepsEveryFieldAndAnswersWithLocationAndETag()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("customers", "region", "text");
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/customers", new
        {
            name = "  上海星河科技有限公司 ",
            shortName = "星河",
            kind = "direct",
            source = "exhibition",
            level = "a",
            industry = "it",
            phone = "+86 21-5555-0101",
            email = "info@xinghe.example",
            website = "www.xinghe.example",
            address = new { country = "CN", province = "上海", city = "上海", district = "浦东", street = "张江路 88 号", postcode = "201203" },
            tags = new[] { "vip", "vip", "2026" },
            description = "Met at the fair",
            customFields = new { region = "east" },
        });
        var created = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/customers/{created.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal($"\"{created.Str("version")}\"", response.Headers.ETag?.Tag);
        Assert.Equal("上海星河科技有限公司", created.Str("name"));
        Assert.Equal(tenant.AdminUserId, created.Str("ownerId"));
        Assert.Equal("浦东", created.GetProperty("address").Str("district"));
        Assert.Equal(["vip", "2026"], created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("lastFollowUpAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("lockedAt").ValueKind);
        Assert.Equal("east", created.GetProperty("customFields").Str("region"));

        var read = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{created.Id()}");
        Assert.Equal("201203", read.GetProperty("address").Str("postcode"));
        var patched = await (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{created.Id()}", new { address = new { city = "苏州" }, level = "b" }, read.Str("version")))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("苏州", patched.GetProperty("address").Str("city"));
        Assert.Equal("浦东", patched.GetProperty("address").Str("district"));
        Assert.Equal("b", patched.Str("level"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{created.Id()}", new { level = "c" }, read.Str("version"))).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
    }

    [Fact]
    public async Task PhoneNumbersTypedInFullWidthAreStoredInAsciiOnCreateAndUpdate()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("全角公司"), phone: "０２１－６２３４５６７８");
        Assert.Equal("021-62345678", created.Str("phone"));

        var updated = await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{created.Id()}", new { phone = "＋８６ １３８００００５６７８", website = "ｈｔｔｐｓ：／／ｘ．ｃｎ" });
        var json = await updated.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("+86 13800005678", "https://x.cn"), (json.Str("phone"), json.Str("website")));
    }

    [Fact]
    public async Task BadInputAnswers400AndReadOnlyFieldsCannotBeWritten()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers", new { name = "x", address = new { postcode = new string('1', 21) }, tags = new[] { "" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("address.postcode", problem.ErrorFields());
        Assert.Contains("tags", problem.ErrorFields());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers", new { name = "   " })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers", new { name = "y", lockedAt = DateTimeOffset.UtcNow })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Plain"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { lastFollowUpAt = DateTimeOffset.UtcNow })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { lockedBy = tenant.AdminUserId })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/customers?name=y")).Items());
    }

    [Fact]
    public async Task PicklistFieldsTakeOnlyActiveDictionaryValuesAndRetiredOnesStayWhereTheyAre()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers", new { name = SalesSetup.Unique("Picky"), level = "platinum" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_unknown");
        Assert.Contains("level", problem.ErrorFields());
        var customer = await tenant.Admin.PostJsonAsync("/api/v1/customers", new { name = SalesSetup.Unique("Picky"), level = "c", industry = "retail" }, HttpStatusCode.Created);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = "Li", decisionRole = "boss" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_unknown");

        await (await tenant.Admin.PostAsync("/api/v1/dictionaries/customerLevel/items/c/retire", null)).ExpectAsync(HttpStatusCode.OK);
        // The customer keeps "c" through other changes; choosing it anew is refused.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { industry = "finance" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers", new { name = SalesSetup.Unique("Picky"), level = "c" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_retired");
    }

    [Fact]
    public async Task NamesAreUniqueWhateverTheCaseWidthAndSpacesAndTheConflictNamesOnlyAVisibleHolder()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var (_, colleague) = await app.NewSellerAsync(tenant);
        var mine = await rep.CreateCustomerAsync("Acme Trading 公司");

        var visible = await (await rep.PostAsJsonAsync("/api/v1/customers", new { name = "ＡＣＭＥ  trading公司" })).ExpectProblemAsync(HttpStatusCode.Conflict, "customer.duplicate_name");
        Assert.Equal(mine.Id(), visible.Str("existingId"));
        var hidden = await (await colleague.PostAsJsonAsync("/api/v1/customers", new { name = "acme TRADING 公司" })).ExpectProblemAsync(HttpStatusCode.Conflict, "customer.duplicate_name");
        Assert.False(hidden.TryGetProperty("existingId", out _));
        Assert.DoesNotContain(mine.Id(), hidden.GetRawText());
        Assert.DoesNotContain(repId, hidden.GetRawText());

        // A rename onto a taken name is the same conflict; the batch answers it per item without the hidden id.
        var other = await colleague.CreateCustomerAsync("Other Co");
        await (await colleague.PatchJsonAsync($"/api/v1/customers/{other.Id()}", new { name = "Acme Trading公司" })).ExpectProblemAsync(HttpStatusCode.Conflict, "customer.duplicate_name");
        var batch = await (await colleague.PostAsJsonAsync("/api/v1/customers/batch/create", new { inputs = new object[] { new { name = "Fresh Co" }, new { name = "acme trading 公司" } } }))
            .ExpectAsync((HttpStatusCode)207);
        var results = batch.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([201, 409], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.False(results[1].GetProperty("error").TryGetProperty("existingId", out _));
        Assert.Equal("Other Co", (await colleague.GetJsonAsync($"/api/v1/customers/{other.Id()}")).Str("name"));
    }

    [Fact]
    public async Task ARepNeverSeesAColleaguesCustomerInListSearchGetOrExport()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant);
        var (_, colleague) = await app.NewSellerAsync(tenant);
        var mine = await rep.CreateCustomerAsync("Zephyr Mine", phone: "13900000001", level: "a");
        var theirs = await colleague.CreateCustomerAsync("Zephyr Theirs", phone: "13900000002", level: "a");

        Assert.Equal([mine.Id()], (await rep.GetJsonAsync("/api/v1/customers")).Ids());
        Assert.Equal([mine.Id()], (await rep.GetJsonAsync("/api/v1/customers?q=zephyr")).Ids());
        Assert.Equal([mine.Id()], (await rep.GetJsonAsync("/api/v1/customers?level=a")).Ids());
        Assert.Equal([mine.Id()], (await rep.GetJsonAsync("/api/v1/customers?q=139")).Ids());
        var search = await rep.PostJsonAsync("/api/v1/customers/search", new { filterGroups = new[] { new { filters = new[] { new { field = "name", op = "startsWith", value = "zephyr" } } } } }, HttpStatusCode.OK);
        Assert.Equal([mine.Id()], search.Ids());
        await (await rep.GetAsync($"/api/v1/customers/{theirs.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        var csv = await (await rep.GetAsync("/api/v1/customers/export")).Content.ReadAsStringAsync();
        Assert.Contains("Zephyr Mine", csv);
        Assert.DoesNotContain("Zephyr Theirs", csv);
        Assert.Equal(2, (await tenant.Admin.GetJsonAsync("/api/v1/customers?q=zephyr")).Items().Count);
    }

    [Fact]
    public async Task ACustomerWithContactsIsNotDeletedAndAnEmptyOneGoesToTheBinAndComesBack()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Binned"));
        var contact = await tenant.Admin.CreateContactAsync(customer.Id(), "Li Lei");

        await (await tenant.Admin.DeleteAsync($"/api/v1/customers/{customer.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "customer.has_contacts");
        await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}");

        await (await tenant.Admin.DeleteAsync($"/api/v1/contacts/{contact.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.DeleteAsync($"/api/v1/customers/{customer.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.GetAsync($"/api/v1/customers/{customer.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        var bin = await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin?type=customer");
        Assert.Contains(customer.Id(), bin.Items().Select(i => i.Str("id")));

        // The contact cannot come back before its customer: no orphan, ever.
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/contact/{contact.Id()}/restore", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "contact.customer_deleted");
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/customer/{customer.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/contact/{contact.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([contact.Id()], (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/contacts")).Ids());
        // Its name is taken again: a new customer of that name is a conflict.
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers", new { name = customer.Str("name") })).ExpectProblemAsync(HttpStatusCode.Conflict, "customer.duplicate_name");
    }

    [Fact]
    public async Task WritesAreAuditedAndInTheChangeFeed()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Fed"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { industry = "retail" })).ExpectAsync(HttpStatusCode.OK);
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customer.Id()}");
        Assert.Equal(["updated", "created"], audit.Select(e => e.Str("action")));
        Assert.Equal("retail", audit[0].GetProperty("changes").GetProperty("industry").Str("after"));
        var feed = await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.customer.updated"),
            p => p.Items().Any(e => e.GetProperty("data").Str("recordId") == customer.Id()));
        Assert.Contains(feed.Items(), e => e.GetProperty("data").GetProperty("changes").TryGetProperty("industry", out _));
    }
}
