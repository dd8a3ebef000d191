using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.ApiTests.Sales;

public sealed class CustomerMergeTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task MergeMovesContactsAndTeamFillsEmptyFieldsAndBinsTheSources()
    {
        var tenant = await app.NewTenantAsync();
        var (colleagueId, _) = await app.NewSellerAsync(tenant);
        await tenant.DefineCustomFieldAsync("customers", "region", "text");
        var target = await tenant.Admin.PostJsonAsync("/api/v1/customers", new { name = SalesSetup.Unique("Target"), level = "a", tags = new[] { "t" } }, HttpStatusCode.Created);
        var source = await tenant.Admin.PostJsonAsync("/api/v1/customers",
            new { name = SalesSetup.Unique("Source"), level = "c", industry = "retail", phone = "021-1234", tags = new[] { "s" }, customFields = new { region = "north" } }, HttpStatusCode.Created);
        await tenant.Admin.PostJsonAsync($"/api/v1/customers/{source.Id()}/team", new { userId = colleagueId, access = "read" }, HttpStatusCode.OK);
        var keptPrimary = await tenant.Admin.CreateContactAsync(target.Id(), "Target primary", isPrimary: true);
        var boss = await tenant.Admin.CreateContactAsync(source.Id(), "Source boss", isPrimary: true);
        var report = await tenant.Admin.CreateContactAsync(source.Id(), "Source report", boss.Id());

        var result = await tenant.Admin.PostJsonAsync("/api/v1/customers/merge", new { targetId = target.Id(), sourceIds = new[] { source.Id() } }, HttpStatusCode.OK);
        Assert.Equal([boss.Id(), report.Id()], result.GetProperty("movedContactIds").EnumerateArray().Select(e => e.GetString()).Order());
        var merged = result.GetProperty("customer");
        Assert.Equal("a", merged.Str("level"));
        Assert.Equal("retail", merged.Str("industry"));
        Assert.Equal("021-1234", merged.Str("phone"));
        Assert.Equal(["t", "s"], merged.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("north", merged.GetProperty("customFields").Str("region"));
        Assert.Contains(merged.GetProperty("team").EnumerateArray(), m => m.Str("userId") == colleagueId && m.Str("access") == "read");

        var contacts = (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{target.Id()}/contacts")).Items();
        Assert.Equal(3, contacts.Count);
        Assert.Equal([keptPrimary.Id()], contacts.Where(c => c.GetProperty("isPrimary").GetBoolean()).Select(c => c.Id()));
        Assert.Equal(boss.Id(), contacts.Single(c => c.Id() == report.Id()).Str("reportsToId"));
        var tree = (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{target.Id()}/contacts/tree")).GetProperty("items");
        Assert.Contains(tree.EnumerateArray(), n => n.Id() == boss.Id() && n.GetProperty("reports")[0].Id() == report.Id());

        await (await tenant.Admin.GetAsync($"/api/v1/customers/{source.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        Assert.Contains(source.Id(), (await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin?type=customer")).Items().Select(i => i.Str("id")));
        var trail = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={source.Id()}");
        Assert.Equal(["deleted", "updated", "updated", "created"], trail.Select(e => e.Str("action")));
        Assert.Equal("mergedInto", trail[1].Str("activity"));
        Assert.Equal(target.Id(), trail[1].GetProperty("changes").GetProperty("mergedIntoId").Str("after"));
        Assert.Equal(target.Id(), trail.Single(e => e.Str("action") == "deleted").GetProperty("changes").GetProperty("mergedIntoId").Str("before"));
        var moved = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={report.Id()}");
        Assert.Equal(target.Id(), moved[0].GetProperty("changes").GetProperty("customerId").Str("after"));
        Assert.Equal("merged", moved[0].Str("activity"));
        // The source's name is free again.
        await tenant.Admin.CreateCustomerAsync(source.Str("name"));
    }

    [Fact]
    public async Task AMergeInterruptedAfterMovingContactsFinishesOnRetry()
    {
        var tenant = await app.NewTenantAsync();
        var target = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Resumed target"));
        var first = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Done source"));
        var second = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Half source"));
        var contact = await tenant.Admin.CreateContactAsync(second.Id(), "Half moved");

        // The state a crash leaves: the first source merged and binned, the second's contact moved, the second still live.
        await tenant.Admin.PostJsonAsync("/api/v1/customers/merge", new { targetId = target.Id(), sourceIds = new[] { first.Id() } }, HttpStatusCode.OK);
        var write = new WriteContext(tenant.Id, tenant.AdminUserId, null, DateTimeOffset.UtcNow);
        await app.Service<RecordStore<Contact>>().UpdateAsync(write, contact.Id(), null, c => ValueTask.FromResult(c with { CustomerId = target.Id() }));

        var retry = await tenant.Admin.PostJsonAsync("/api/v1/customers/merge", new { targetId = target.Id(), sourceIds = new[] { first.Id(), second.Id() } }, HttpStatusCode.OK);
        Assert.Empty(retry.GetProperty("movedContactIds").EnumerateArray());
        await (await tenant.Admin.GetAsync($"/api/v1/customers/{second.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        Assert.Equal([contact.Id()], (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{target.Id()}/contacts")).Ids());
    }

    [Fact]
    public async Task MergeNeedsEditOnEveryCustomerAndRefusesBadInputWithoutChangingAnything()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant);
        var (_, colleague) = await app.NewSellerAsync(tenant);
        var mine = await rep.CreateCustomerAsync(SalesSetup.Unique("Mine"));
        var alsoMine = await rep.CreateCustomerAsync(SalesSetup.Unique("Also mine"));
        var theirs = await colleague.CreateCustomerAsync(SalesSetup.Unique("Theirs"));
        var contact = await rep.CreateContactAsync(alsoMine.Id(), "Unmoved");

        await (await rep.PostAsJsonAsync("/api/v1/customers/merge", new { targetId = mine.Id(), sourceIds = new[] { alsoMine.Id(), theirs.Id() } }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await (await rep.PostAsJsonAsync("/api/v1/customers/merge", new { targetId = mine.Id(), sourceIds = new[] { mine.Id() } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "customer.merge_into_self");
        await (await rep.PostAsJsonAsync("/api/v1/customers/merge", new { targetId = mine.Id(), sourceIds = Array.Empty<string>() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(alsoMine.Id(), (await rep.GetJsonAsync($"/api/v1/contacts/{contact.Id()}")).Str("customerId"));
        await rep.GetJsonAsync($"/api/v1/customers/{alsoMine.Id()}");

        var (_, noMerge) = await app.NewSellerAsync(tenant, rights: ["customers.view", "customers.edit"]);
        await (await noMerge.PostAsJsonAsync("/api/v1/customers/merge", new { targetId = mine.Id(), sourceIds = new[] { alsoMine.Id() } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }
}
