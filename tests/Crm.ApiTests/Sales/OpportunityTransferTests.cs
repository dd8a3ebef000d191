using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Sales;

public sealed class OpportunityTransferTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] DealRights =
        [.. SalesSetup.RepRights, "opportunities.view", "opportunities.create", "opportunities.edit"];

    [Fact]
    public async Task OpportunitiesMoveToAnotherOwnerWithinTheTransferScopeEachItemAnsweringForItself()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant, rights: DealRights);
        var (colleagueId, colleague) = await app.NewSellerAsync(tenant, rights: DealRights);
        var (_, mover) = await app.NewSellerAsync(tenant, Crm.Domain.Access.DataScope.Self, rights: [.. DealRights, "opportunities.transfer"]);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Hengtai"));
        var deal = await rep.PostJsonAsync("/api/v1/opportunities", new { name = "Upgrade", customerId = customer.Id() }, HttpStatusCode.Created);
        var won = await rep.PostJsonAsync("/api/v1/opportunities", new { name = "Renewal", customerId = customer.Id() }, HttpStatusCode.Created);
        await rep.PostJsonAsync($"/api/v1/opportunities/{won.Id()}/won", new { }, HttpStatusCode.OK);

        // Without the permission: 403 before anything; bad requests: 400 and nothing moves.
        await (await rep.PostAsJsonAsync("/api/v1/opportunities/transfer", new { ids = new[] { deal.Id() }, ownerId = colleagueId }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/opportunities/transfer", new { ids = Array.Empty<string>(), ownerId = colleagueId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        // A transfer scope of "self" does not reach the rep's deals: 404 per item, as if they did not exist.
        var outOfScope = await mover.PostJsonAsync("/api/v1/opportunities/transfer", new { ids = new[] { deal.Id() }, ownerId = colleagueId }, (HttpStatusCode)207);
        Assert.Equal(404, outOfScope.GetProperty("results")[0].GetProperty("status").GetInt32());

        // Open and won deals alike move; the old owner may stay on the team.
        var moved = await tenant.Admin.PostJsonAsync("/api/v1/opportunities/transfer",
            new { ids = new[] { deal.Id(), won.Id() }, ownerId = colleagueId, keepOldOwnerAsMember = true }, HttpStatusCode.OK);
        Assert.All(moved.GetProperty("results").EnumerateArray(), r => Assert.Equal(colleagueId, r.GetProperty("record").Str("ownerId")));
        Assert.Equal("won", (await colleague.GetJsonAsync($"/api/v1/opportunities/{won.Id()}")).Str("status"));
        Assert.Equal(repId, (await rep.GetJsonAsync($"/api/v1/opportunities/{deal.Id()}")).GetProperty("team")[0].Str("userId"));
        var trail = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={deal.Id()}");
        Assert.Equal("transferred", trail[0].Str("activity"));
    }
}
