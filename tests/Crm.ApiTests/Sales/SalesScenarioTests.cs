using System.Net;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Sales.Pool;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Sales;

/// <summary>
/// Issue 4's scenario, end to end through the API with the built-in roles: a lead is followed up and
/// converted with an opportunity, the deal is won, the customer moves to a colleague with its contacts
/// and deals, and an idle customer falls back to the public pool by rule and is claimed by someone else.
/// Every step shows on the records' timelines and in the change feed.
/// </summary>
public sealed class SalesScenarioTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task LeadToWonDealToTransferAndPoolReclaimShowOnTimelinesAndInTheFeed()
    {
        var tenant = await app.NewTenantAsync();
        var roles = await tenant.Admin.ListAllAsync("/api/v1/roles?limit=100");
        string Role(string key) => roles.Single(r => r.TryGetProperty("builtIn", out var b) && b.GetString() == key).Id();
        var sales = await tenant.Admin.PostJsonAsync("/api/v1/departments", new { name = "Sales " + Api.Stamp(), parentId = tenant.OfficeId }, HttpStatusCode.Created);
        var (managerId, manager) = await tenant.NewMemberAsync(sales.Id(), null, Role("salesManager"));
        var (aliceId, alice) = await tenant.NewMemberAsync(sales.Id(), managerId, Role("salesRep"));
        var (bobId, bob) = await tenant.NewMemberAsync(sales.Id(), managerId, Role("salesRep"));

        // 1. Alice's lead, followed up at the fair, becomes a customer, a contact and an opportunity.
        var lead = await alice.CreateLeadAsync("Wang Lei", company: SalesSetup.Unique("Jinding Machinery"), mobile: "13900001111", source: "exhibition");
        await alice.CreateFollowUpAsync(lead.Id(), "Met at the fair; wants a pilot", relatedType: "lead", channel: "visit");
        var converted = await alice.PostJsonAsync($"/api/v1/leads/{lead.Id()}/convert",
            new { createOpportunity = new { name = "Pilot", amount = 120000, currency = "CNY" } }, HttpStatusCode.OK);
        var customerId = converted.GetProperty("convertedTo").Str("customerId");
        var opportunityId = converted.GetProperty("convertedTo").Str("opportunityId");
        Assert.DoesNotContain(lead.Id(), (await alice.ListAllAsync("/api/v1/leads")).Select(l => l.Id()));
        Assert.NotEqual(JsonValueKind.Null, (await alice.GetJsonAsync($"/api/v1/customers/{customerId}")).GetProperty("lastFollowUpAt").ValueKind);

        // 2. The deal moves through the pipeline and is won.
        foreach (var stage in new[] { "needsAnalysis", "proposal", "negotiation" })
        {
            await alice.PostJsonAsync($"/api/v1/opportunities/{opportunityId}/stage", new { stageKey = stage }, HttpStatusCode.OK);
        }
        Assert.Equal("won", (await alice.PostJsonAsync($"/api/v1/opportunities/{opportunityId}/won", new { }, HttpStatusCode.OK)).Str("status"));

        // 3. The manager gives the customer to Bob with its contacts and deals; Alice loses sight of it.
        await manager.PostJsonAsync("/api/v1/customers/transfer",
            new { ids = new[] { customerId }, ownerId = bobId, cascade = new[] { "contacts", "opportunities" } }, HttpStatusCode.OK);
        Assert.Equal(bobId, (await bob.GetJsonAsync($"/api/v1/opportunities/{opportunityId}")).Str("ownerId"));
        await (await alice.GetAsync($"/api/v1/customers/{customerId}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");

        // 4. The won account is locked, so pool rules leave it alone. An idle customer of Alice is warned three
        //    days ahead, is back in the pool after 30 days, and Bob claims it.
        await manager.PostJsonAsync($"/api/v1/customers/{customerId}/lock", new { }, HttpStatusCode.OK);
        await tenant.Admin.PostJsonAsync("/api/v1/pool-rules", new { name = "30 days idle", daysWithoutFollowUp = 30, warnDaysBefore = 3 }, HttpStatusCode.Created);
        var idle = await alice.CreateCustomerAsync(SalesSetup.Unique("Tianyi Textiles"));
        await RunPoolRulesAsync(tenant, daysLater: 28);
        var warning = Assert.Single((await alice.GetJsonAsync("/api/v1/notifications")).Items(), n => n.Str("kind") == PoolRuleJob.WarningKind);
        Assert.Equal(idle.Id(), warning.Str("recordId"));
        await RunPoolRulesAsync(tenant, daysLater: 31);
        Assert.Contains(idle.Id(), (await bob.ListAllAsync("/api/v1/pool")).Select(c => c.Id()));
        await bob.PostJsonAsync("/api/v1/pool/claim", new { ids = new[] { idle.Id() } }, HttpStatusCode.OK);
        Assert.Equal(bobId, (await bob.GetJsonAsync($"/api/v1/customers/{idle.Id()}")).Str("ownerId"));
        Assert.Equal(bobId, (await bob.GetJsonAsync($"/api/v1/customers/{customerId}")).Str("ownerId"));

        // 5. Timelines tell the story, the lead's history included.
        var customerStory = await TimelineAsync(bob, "customers", customerId);
        Assert.Equal(("locked", "customer"), customerStory[0]);
        Assert.Contains(("transferred", "customer"), customerStory);
        Assert.Contains(("converted", "customer"), customerStory);
        Assert.Contains(("followup", "customer"), customerStory);
        Assert.Contains(("converted", "lead"), customerStory);
        Assert.Contains(("created", "lead"), customerStory);
        var dealStory = (await TimelineAsync(bob, "opportunities", opportunityId)).Select(i => i.Kind).ToList();
        Assert.Equal(["transferred", "won", "stageChanged", "stageChanged", "stageChanged"], dealStory.Take(5));
        var idleStory = (await TimelineAsync(bob, "customers", idle.Id())).Select(i => i.Kind).ToList();
        // The job ran with a clock 31 days ahead, so its entry sorts first; the order of real time is claim after reclaim.
        Assert.Equal(["claimed", "created", "reclaimed"], idleStory.Order());

        // 6. And so does the change feed, for integrators.
        await Http.EventuallyAsync(() => FeedAsync(tenant.Admin), events =>
        {
            var seen = events.Select(e => (e.GetProperty("data").Str("recordId"), e.GetProperty("data").Str("activity"))).ToHashSet();
            return seen.IsSupersetOf([(lead.Id(), "converted"), (customerId, "converted"), (opportunityId, "won"), (customerId, "transferred"),
                (opportunityId, "transferred"), (idle.Id(), "reclaimed"), (idle.Id(), "claimed")]);
        });
    }

    private async Task RunPoolRulesAsync(TestTenant tenant, int daysLater)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<PoolRuleJob>().ApplyAsync(tenant.Id, DateTimeOffset.UtcNow.AddDays(daysLater), CancellationToken.None);
    }

    /// <summary>The whole change feed so far, page after page.</summary>
    private static async Task<List<JsonElement>> FeedAsync(HttpClient client)
    {
        var all = new List<JsonElement>();
        for (string? after = null; ;)
        {
            var page = await client.GetJsonAsync($"/api/v1/events?limit=100{(after is null ? "" : "&after=" + after)}");
            all.AddRange(page.Items());
            if (page.Items().Count == 0 || page.NextCursor() is not { } next)
            {
                return all;
            }
            after = next;
        }
    }

    private static async Task<List<(string Kind, string RecordType)>> TimelineAsync(HttpClient client, string module, string id) =>
        [.. (await client.ListAllAsync($"/api/v1/{module}/{id}/timeline")).Select(i => (i.Str("kind"), i.Str("recordType")))];
}
