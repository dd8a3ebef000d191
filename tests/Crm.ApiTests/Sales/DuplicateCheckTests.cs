using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Sales;

public sealed class DuplicateCheckTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static List<JsonElement> Matches(JsonElement report) => report.GetProperty("matches").EnumerateArray().ToList();

    [Fact]
    public async Task VisibleDuplicatesAreListedAndOthersOnlyCounted()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant);
        var (colleagueId, colleague) = await app.NewSellerAsync(tenant);
        var mine = await rep.CreateCustomerAsync("Nova Robotics", phone: "+86 10 8888 0001");
        var longer = await rep.CreateCustomerAsync("Nova Robotics Beijing", email: "sales@nova.example");
        var theirs = await colleague.CreateCustomerAsync("NOVA robotics Shanghai", phone: "010-8888-0001");

        var report = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "customer", name = "ｎｏｖａ Robotics" }, HttpStatusCode.OK);
        var matches = Matches(report);
        Assert.Equal(new[] { mine.Id(), longer.Id() }.Order(StringComparer.Ordinal), matches.Select(m => m.Id()).Order(StringComparer.Ordinal));
        Assert.Equal(["name"], matches.Single(m => m.Id() == mine.Id()).GetProperty("matchedOn").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["namePrefix"], matches.Single(m => m.Id() == longer.Id()).GetProperty("matchedOn").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, report.GetProperty("hiddenCount").GetInt32());
        Assert.DoesNotContain(theirs.Id(), report.GetRawText());
        Assert.DoesNotContain(colleagueId, report.GetRawText());

        var byPhone = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "customer", phone = "8610 88880001" }, HttpStatusCode.OK);
        Assert.Equal([mine.Id()], Matches(byPhone).Select(m => m.Id()));
        Assert.Equal(0, byPhone.GetProperty("hiddenCount").GetInt32());
        var byLocalPhone = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "customer", phone = "010 8888 0001" }, HttpStatusCode.OK);
        Assert.Empty(Matches(byLocalPhone));
        Assert.Equal(1, byLocalPhone.GetProperty("hiddenCount").GetInt32());
        var byEmail = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "customer", email = "SALES@nova.example" }, HttpStatusCode.OK);
        Assert.Equal(["email"], Matches(byEmail).Single().GetProperty("matchedOn").EnumerateArray().Select(e => e.GetString()));

        var all = await tenant.Admin.PostJsonAsync("/api/v1/duplicates/check", new { type = "customer", name = "nova robotics" }, HttpStatusCode.OK);
        Assert.Equal(3, Matches(all).Count);
        Assert.Equal(0, all.GetProperty("hiddenCount").GetInt32());
    }

    [Fact]
    public async Task ContactsAreCheckedByNameMobileAndEmail()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Contacts"));
        var contact = await rep.CreateContactAsync(customer.Id(), "张伟", mobile: "13800138000", email: "zw@example.com");
        var report = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "contact", name = "张 伟", phone = "138-0013-8000", email = "ZW@example.com" }, HttpStatusCode.OK);
        var match = Assert.Single(Matches(report));
        Assert.Equal(contact.Id(), match.Id());
        Assert.Equal(customer.Id(), match.Str("customerId"));
        Assert.Equal(["email", "name", "phone"], match.GetProperty("matchedOn").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task BadChecksAnswer400AndTheRightPermissionIsNeeded()
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/duplicates/check", new { type = "customer" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "duplicates.nothing_to_check");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/duplicates/check", new { type = "deal", name = "x" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/duplicates/check", new { name = "x" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var (_, customersOnly) = await app.NewSellerAsync(tenant, rights: ["customers.view"]);
        await (await customersOnly.PostAsJsonAsync("/api/v1/duplicates/check", new { type = "contact", name = "x" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        var (_, nothing) = await tenant.NewStaffAsync();
        await (await nothing.PostAsJsonAsync("/api/v1/duplicates/check", new { type = "customer", name = "x" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }
}
