using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

public sealed class LeadTransferTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task TransferGivesLeadsToTheNewOwnerAsATransferredActivity()
    {
        var tenant = await app.NewTenantAsync();
        var (oldId, old) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var (newId, fresh) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var first = await old.CreateLeadAsync("First lead");
        var second = await old.CreateLeadAsync("Second lead");

        var result = await tenant.Admin.PostJsonAsync("/api/v1/leads/transfer", new { ids = new[] { first.Id(), second.Id() }, ownerId = newId, keepOldOwnerAsMember = true }, HttpStatusCode.OK);
        Assert.All(result.GetProperty("results").EnumerateArray(), r => Assert.Equal(200, r.GetProperty("status").GetInt32()));
        var moved = await fresh.GetJsonAsync($"/api/v1/leads/{first.Id()}");
        Assert.Equal(newId, moved.Str("ownerId"));
        Assert.Equal(oldId, Assert.Single(moved.GetProperty("team").EnumerateArray()).Str("userId"));
        Assert.Equal(new[] { first.Id(), second.Id() }.Order(StringComparer.Ordinal), (await fresh.GetJsonAsync("/api/v1/leads")).Ids().Order(StringComparer.Ordinal));

        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={second.Id()}");
        var transfer = audit.First(e => e.GetProperty("changes").TryGetProperty("ownerId", out _));
        Assert.Equal("transferred", transfer.Str("activity"));
        Assert.Equal(oldId, transfer.GetProperty("changes").GetProperty("ownerId").Str("before"));
        await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.lead.updated"),
            p => p.Items().Any(e => e.GetProperty("data").Str("recordId") == first.Id() && e.GetProperty("data").Str("activity") == "transferred"));
    }

    [Fact]
    public async Task EachIdNeedsTheTransferRightInScopeAndAnswersOnItsOwn()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var (colleagueId, colleague) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var mine = await rep.CreateLeadAsync("Mine");
        var theirs = await colleague.CreateLeadAsync("Theirs");

        var result = await (await rep.PostAsJsonAsync("/api/v1/leads/transfer",
            new { ids = new[] { mine.Id(), theirs.Id(), "01aaaaaaaaaaaaaaaaaaaaaaaa" }, ownerId = colleagueId })).ExpectAsync((HttpStatusCode)207);
        var items = result.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([200, 404, 404], items.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("lead.not_found", items[1].GetProperty("error").Str("code"));
        Assert.Equal(colleagueId, (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{mine.Id()}")).Str("ownerId"));
        Assert.Equal(colleagueId, (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{theirs.Id()}")).Str("ownerId"));

        // Seeing every lead is not enough: a transfer scope of "self" refuses a colleague's lead with 403.
        var (_, reader) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.Self, ["leads.view", "leads.transfer"]),
            await app.CreateRoleAsync(tenant, DataScope.All, ["leads.view"]));
        var refused = await (await reader.PostAsJsonAsync("/api/v1/leads/transfer", new { ids = new[] { theirs.Id() }, ownerId = repId })).ExpectAsync((HttpStatusCode)207);
        Assert.Equal(403, refused.GetProperty("results")[0].GetProperty("status").GetInt32());
        Assert.Equal(colleagueId, (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{theirs.Id()}")).Str("ownerId"));

        var (_, plain) = await app.NewSellerAsync(tenant, rights: ["leads.view", "leads.create"]);
        await (await plain.PostAsJsonAsync("/api/v1/leads/transfer", new { ids = new[] { mine.Id() }, ownerId = repId })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task BadTransfersAnswer400AndAConvertedLeadStaysPut()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, _) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var lead = await tenant.Admin.CreateLeadAsync("Unmoved");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads/transfer", new { ids = new[] { lead.Id() }, ownerId = "01aaaaaaaaaaaaaaaaaaaaaaaa" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "record.owner_not_found");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads/transfer", new { ids = Array.Empty<string>(), ownerId = staffId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads/transfer", new { ids = Enumerable.Range(0, 101).Select(_ => lead.Id()), ownerId = staffId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        var converted = await tenant.Admin.CreateLeadAsync("Converted", company: SalesSetup.Unique("Converted Co"));
        await tenant.Admin.PostJsonAsync($"/api/v1/leads/{converted.Id()}/convert", new { }, HttpStatusCode.OK);
        var result = await (await tenant.Admin.PostAsJsonAsync("/api/v1/leads/transfer", new { ids = new[] { lead.Id(), converted.Id() }, ownerId = staffId }))
            .ExpectAsync((HttpStatusCode)207);
        var items = result.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([200, 409], items.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("lead.converted", items[1].GetProperty("error").Str("code"));
        Assert.Equal(tenant.AdminUserId, (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{converted.Id()}")).Str("ownerId"));
    }
}
