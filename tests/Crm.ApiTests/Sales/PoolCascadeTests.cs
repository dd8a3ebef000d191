using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Sales;
using Crm.Storage.Records;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Sales;

/// <summary>A customer's contacts and open opportunities follow it into and out of the public pool.</summary>
public sealed class PoolCascadeTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] Rights =
        [.. SalesSetup.RepRights, "opportunities.view", "opportunities.create", "opportunities.edit"];

    private sealed record Account(JsonElement Customer, JsonElement[] Contacts, JsonElement Open, JsonElement Lost);

    /// <summary>A customer of <paramref name="rep"/> with two contacts, an open and a lost opportunity.</summary>
    private static async Task<Account> AccountAsync(HttpClient rep)
    {
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Cascade"));
        var contacts = new[]
        {
            await rep.CreateContactAsync(customer.Id(), "Wang Fang", mobile: "13800138000"),
            await rep.CreateContactAsync(customer.Id(), "Zhao Lei", mobile: "13900139000"),
        };
        var open = await rep.PostJsonAsync("/api/v1/opportunities", new { customerId = customer.Id(), name = "Open deal" }, HttpStatusCode.Created);
        var lost = await rep.PostJsonAsync("/api/v1/opportunities", new { customerId = customer.Id(), name = "Lost deal" }, HttpStatusCode.Created);
        await rep.PostJsonAsync($"/api/v1/opportunities/{lost.Id()}/lost", new { reason = "price" }, HttpStatusCode.OK);
        return new Account(customer, contacts, open, lost);
    }

    private static async Task<string?> OwnerAsync(TestTenant tenant, string collection, string id) =>
        PoolSetup.Owner(await tenant.Admin.GetJsonAsync($"/api/v1/{collection}/{id}"));

    private static async Task AssertSeesAsync(HttpClient rep, Account account, bool sees)
    {
        var status = sees ? HttpStatusCode.OK : HttpStatusCode.NotFound;
        foreach (var contact in account.Contacts)
        {
            await rep.GetJsonAsync($"/api/v1/contacts/{contact.Id()}", status);
        }
        await rep.GetJsonAsync($"/api/v1/opportunities/{account.Open.Id()}", status);
        var listed = (await rep.ListAllAsync("/api/v1/contacts")).Select(c => c.Id()).ToList();
        Assert.Equal(sees, account.Contacts.All(c => listed.Contains(c.Id())));
        Assert.Equal(sees, (await rep.ListAllAsync($"/api/v1/contacts?q=13800")).Any(c => c.Id() == account.Contacts[0].Id()));
    }

    [Fact]
    public async Task ReleaseTakesContactsAndOpenDealsIntoThePoolAndAClaimBringsThemToTheNewOwner()
    {
        var tenant = await app.NewTenantAsync();
        var (aId, a) = await app.NewSellerAsync(tenant, rights: Rights);
        var (bId, b) = await app.NewSellerAsync(tenant, rights: Rights);
        var account = await AccountAsync(a);

        await a.PostJsonAsync($"/api/v1/customers/{account.Customer.Id()}/release", new { }, HttpStatusCode.OK);
        await AssertSeesAsync(a, account, sees: false);
        await AssertSeesAsync(b, account, sees: false);
        foreach (var contact in account.Contacts)
        {
            var stored = await tenant.Admin.GetJsonAsync($"/api/v1/contacts/{contact.Id()}");
            Assert.Null(PoolSetup.Owner(stored));
            Assert.Equal(0, stored.GetProperty("team").GetArrayLength());
        }
        Assert.Null(await OwnerAsync(tenant, "opportunities", account.Open.Id()));
        // A closed deal stays with whoever closed it.
        Assert.Equal(aId, await OwnerAsync(tenant, "opportunities", account.Lost.Id()));
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={account.Contacts[0].Id()}");
        Assert.Contains(audit, e => e.Str("activity") == "released" && e.GetProperty("changes").TryGetProperty("ownerId", out _));

        await b.PostJsonAsync("/api/v1/pool/claim", new { ids = new[] { account.Customer.Id() } }, HttpStatusCode.OK);
        await AssertSeesAsync(b, account, sees: true);
        await AssertSeesAsync(a, account, sees: false);
        Assert.All(account.Contacts, c => Assert.Equal(bId, OwnerAsync(tenant, "contacts", c.Id()).Result));
        Assert.Equal(bId, await OwnerAsync(tenant, "opportunities", account.Open.Id()));
        Assert.Equal(aId, await OwnerAsync(tenant, "opportunities", account.Lost.Id()));
    }

    [Fact]
    public async Task AssignBringsThePooledContactsAndOpenDealsToTheAssignee()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant, rights: Rights);
        var (bId, b) = await app.NewSellerAsync(tenant, rights: Rights);
        var account = await AccountAsync(a);
        await a.PostJsonAsync($"/api/v1/customers/{account.Customer.Id()}/release", new { }, HttpStatusCode.OK);

        await tenant.Admin.PostJsonAsync("/api/v1/pool/assign", new { ids = new[] { account.Customer.Id() }, ownerId = bId }, HttpStatusCode.OK);
        await AssertSeesAsync(b, account, sees: true);
        await AssertSeesAsync(a, account, sees: false);
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={account.Open.Id()}");
        Assert.Contains(audit, e => e.Str("activity") == "assigned");
    }

    [Fact]
    public async Task RepeatingAMoveFinishesACascadeThatStoppedHalfWay()
    {
        var tenant = await app.NewTenantAsync();
        var (aId, a) = await app.NewSellerAsync(tenant, rights: Rights);
        var (bId, b) = await app.NewSellerAsync(tenant, rights: Rights);
        var customer = await a.CreateCustomerAsync(SalesSetup.Unique("Half way"));
        await a.PostJsonAsync($"/api/v1/customers/{customer.Id()}/release", new { }, HttpStatusCode.OK);
        // What a crash after the customer's write leaves: a contact of the pooled customer still owned by the old owner.
        var left = await tenant.Admin.PostJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = "Left behind", ownerId = aId }, HttpStatusCode.Created);
        Assert.Equal(aId, PoolSetup.Owner(left));

        await (await a.PostAsJsonAsync($"/api/v1/customers/{customer.Id()}/release", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "pool.already_in_pool");
        Assert.Null(await OwnerAsync(tenant, "contacts", left.Id()));

        // And out of the pool: a claim that stopped after the customer's write leaves an owner-less contact; the claimant's repeat brings it over.
        await b.PostJsonAsync("/api/v1/pool/claim", new { ids = new[] { customer.Id() } }, HttpStatusCode.OK);
        Assert.Equal(bId, await OwnerAsync(tenant, "contacts", left.Id()));
        var contacts = app.Services.GetRequiredService<RecordStore<Contact>>();
        await contacts.UpdateAsync(new WriteContext(tenant.Id, aId, null, DateTimeOffset.UtcNow), left.Id(), null, c => ValueTask.FromResult(c with { OwnerId = null }));
        Assert.Null(await OwnerAsync(tenant, "contacts", left.Id()));

        var again = await b.PostJsonAsync("/api/v1/pool/claim", new { ids = new[] { customer.Id() } }, HttpStatusCode.MultiStatus);
        PoolSetup.AssertItemProblem(again, 0, 409, "pool.already_claimed");
        Assert.Equal(bId, await OwnerAsync(tenant, "contacts", left.Id()));
    }
}
