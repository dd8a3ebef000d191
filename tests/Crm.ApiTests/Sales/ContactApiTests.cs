using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Sales;

public sealed class ContactApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task AContactBelongsToAVisibleCustomerAndIsOwnedByTheCustomersOwnerUnlessNamed()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var (_, colleague) = await app.NewSellerAsync(tenant);
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Owned"), repId);

        var byAdmin = await tenant.Admin.PostJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = "韩梅梅", title = "CTO", birthday = "1990-05-04", decisionRole = "decisionMaker" }, HttpStatusCode.Created);
        Assert.Equal(repId, byAdmin.Str("ownerId"));
        Assert.Equal("1990-05-04", byAdmin.Str("birthday"));
        Assert.Equal("decisionMaker", byAdmin.Str("decisionRole"));
        var named = await tenant.Admin.PostJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = "Named", ownerId = tenant.AdminUserId }, HttpStatusCode.Created);
        Assert.Equal(tenant.AdminUserId, named.Str("ownerId"));

        // Someone else's customer and an unknown id answer alike.
        var hidden = await (await colleague.PostAsJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = "Sneaky" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "contact.customer_not_found");
        var unknown = await (await colleague.PostAsJsonAsync("/api/v1/contacts", new { customerId = "01aaaaaaaaaaaaaaaaaaaaaaaa", name = "Nobody" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "contact.customer_not_found");
        Assert.Equal(["customerId"], hidden.ErrorFields());
        Assert.Equal(["customerId"], unknown.ErrorFields());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/contacts", new { name = "No customer" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        Assert.Equal([byAdmin.Id()], (await rep.GetJsonAsync("/api/v1/contacts")).Ids());
        Assert.Empty((await colleague.GetJsonAsync("/api/v1/contacts")).Items());
        await (await colleague.GetAsync($"/api/v1/customers/{customer.Id()}/contacts")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        Assert.Equal([byAdmin.Id()], (await rep.GetJsonAsync($"/api/v1/customers/{customer.Id()}/contacts")).Ids());
        Assert.Equal(2, (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/contacts")).Items().Count);
        // A contact stays with its customer.
        var other = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Other"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/contacts/{byAdmin.Id()}", new { customerId = other.Id() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "contact.customer_fixed");
    }

    [Fact]
    public async Task OnlyOneContactOfACustomerIsPrimary()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Primary"));
        var other = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Elsewhere"));
        var first = await tenant.Admin.CreateContactAsync(customer.Id(), "First", isPrimary: true);
        await tenant.Admin.CreateContactAsync(other.Id(), "Primary elsewhere", isPrimary: true);

        var conflict = await (await tenant.Admin.PostAsJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = "Second", isPrimary = true }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "contact.primary_exists");
        Assert.Equal(first.Id(), conflict.Str("existingId"));
        var second = await tenant.Admin.CreateContactAsync(customer.Id(), "Second");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/contacts/{second.Id()}", new { isPrimary = true })).ExpectProblemAsync(HttpStatusCode.Conflict, "contact.primary_exists");

        // Unset the old one, then the new one may be primary.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/contacts/{first.Id()}", new { isPrimary = false })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/contacts/{second.Id()}", new { isPrimary = true })).ExpectAsync(HttpStatusCode.OK);
        var primaries = (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/contacts")).Items().Where(c => c.GetProperty("isPrimary").GetBoolean()).ToList();
        Assert.Equal([second.Id()], primaries.Select(c => c.Id()));
    }

    [Fact]
    public async Task ReportsToLinksStayWithinTheCustomerNeverCycleAndBuildTheTree()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Tree"));
        var other = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Other tree"));
        var ceo = await tenant.Admin.CreateContactAsync(customer.Id(), "CEO", isPrimary: true);
        var cto = await tenant.Admin.CreateContactAsync(customer.Id(), "CTO", ceo.Id());
        var dev = await tenant.Admin.CreateContactAsync(customer.Id(), "Dev", cto.Id());
        var cfo = await tenant.Admin.CreateContactAsync(customer.Id(), "CFO", ceo.Id());
        var stranger = await tenant.Admin.CreateContactAsync(other.Id(), "Stranger");

        await (await tenant.Admin.PostAsJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = "X", reportsToId = stranger.Id() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "contact.reports_to_invalid");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/contacts/{ceo.Id()}", new { reportsToId = dev.Id() })).ExpectProblemAsync(HttpStatusCode.Conflict, "contact.reports_to_cycle");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/contacts/{ceo.Id()}", new { reportsToId = ceo.Id() })).ExpectProblemAsync(HttpStatusCode.Conflict, "contact.reports_to_cycle");
        Assert.Equal(JsonValueKind.Null, (await tenant.Admin.GetJsonAsync($"/api/v1/contacts/{ceo.Id()}")).GetProperty("reportsToId").ValueKind);
        // A legal move: the developer now reports to the CFO.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/contacts/{dev.Id()}", new { reportsToId = cfo.Id() })).ExpectAsync(HttpStatusCode.OK);

        var tree = (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/contacts/tree")).GetProperty("items").EnumerateArray().ToList();
        var root = Assert.Single(tree);
        Assert.Equal(ceo.Id(), root.Id());
        var reports = root.GetProperty("reports").EnumerateArray().ToList();
        Assert.Equal(["CFO", "CTO"], reports.Select(r => r.Str("name")));
        Assert.Equal([dev.Id()], reports[0].GetProperty("reports").EnumerateArray().Select(r => r.Id()));
        Assert.Empty(reports[1].GetProperty("reports").EnumerateArray());

        // A deleted superior leaves its reports at the top of the tree, not out of it.
        await (await tenant.Admin.DeleteAsync($"/api/v1/contacts/{cfo.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        var after = (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/contacts/tree")).GetProperty("items").EnumerateArray().Select(n => n.Str("name")).ToList();
        Assert.Equal(["CEO", "Dev"], after);
    }

    [Fact]
    public async Task TheTreeShowsOnlyContactsTheCallerMaySee()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Shared"));
        var boss = await tenant.Admin.PostJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = "Boss", ownerId = tenant.AdminUserId }, HttpStatusCode.Created);
        // The administrator sets the link: the rep may not name a contact they cannot see (it answers as an unknown id).
        var mine = await tenant.Admin.PostJsonAsync("/api/v1/contacts",
            new { customerId = customer.Id(), name = "Mine", reportsToId = boss.Id(), ownerId = repId }, HttpStatusCode.Created);
        var tree = (await rep.GetJsonAsync($"/api/v1/customers/{customer.Id()}/contacts/tree")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([mine.Id()], tree.Select(n => n.Id()));
        Assert.DoesNotContain(boss.Id(), tree[0].GetProperty("reports").GetRawText());
    }

    [Fact]
    public async Task ContactsAreSearchedByNameMobileAndEmail()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Searchable"));
        var contact = await tenant.Admin.CreateContactAsync(customer.Id(), "王小明", mobile: "+86 138-0013-8000", email: "Xiaoming@Example.com");
        Assert.Equal([contact.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/contacts?q=王小")).Ids());
        Assert.Equal([contact.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/contacts?q=8613800")).Ids());
        Assert.Equal([contact.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/contacts?q=xiaoming@")).Ids());
        Assert.Equal([contact.Id()], (await tenant.Admin.GetJsonAsync($"/api/v1/contacts?customerId={customer.Id()}")).Ids());
    }
}
