using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

public sealed class TimelineTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task TheTimelineMergesHistoryBusinessActionsAndFollowUpsNewestFirst()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, _) = await tenant.NewStaffAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var backdated = await tenant.Admin.CreateFollowUpAsync(customer.Id(), "Met at the fair", channel: "visit", occurredAt: DateTimeOffset.UtcNow.AddDays(-3));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { phone = "021-5555" })).ExpectAsync(HttpStatusCode.OK);
        var call = await tenant.Admin.CreateFollowUpAsync(customer.Id(), "Called");
        await tenant.Admin.PostJsonAsync("/api/v1/customers/transfer", new { ids = new[] { customer.Id() }, ownerId = repId }, HttpStatusCode.OK);
        await tenant.Admin.PostJsonAsync($"/api/v1/customers/{customer.Id()}/lock", new { }, HttpStatusCode.OK);

        var items = (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/timeline")).Items();
        Assert.Equal(["locked", "transferred", "followup", "updated", "created", "followup"], items.Select(i => i.Str("kind")));
        Assert.Equal(call.Id(), items[2].Id());
        Assert.Equal("Called", items[2].GetProperty("followUp").Str("content"));
        Assert.Equal(backdated.Id(), items[5].Id());
        Assert.Equal("021-5555", items[3].GetProperty("changes").GetProperty("phone").Str("after"));
        Assert.Equal(repId, items[1].GetProperty("changes").GetProperty("ownerId").Str("after"));
        Assert.All(items, i => Assert.Equal(tenant.AdminUserId, i.Str("actorId")));
        Assert.All(items, i => Assert.Equal(customer.Id(), i.Str("recordId")));
        var times = items.Select(i => i.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task TheTimelinePagesWithoutGapsOrRepeats()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var same = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < 4; i++)
        {
            // Follow-ups at the very same instant still page in a stable order.
            await tenant.Admin.CreateFollowUpAsync(customer.Id(), $"Call {i}", occurredAt: same);
            await (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { description = $"Version {i}" })).ExpectAsync(HttpStatusCode.OK);
        }
        var whole = (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/timeline?limit=200")).Items().Select(i => i.Id()).ToList();
        Assert.Equal(9, whole.Count);
        var first = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/timeline?limit=2");
        Assert.Equal(2, first.Items().Count);
        var paged = await tenant.Admin.ListAllAsync($"/api/v1/customers/{customer.Id()}/timeline?limit=2");
        Assert.Equal(whole, paged.Select(i => i.Id()));
        await (await tenant.Admin.GetAsync($"/api/v1/customers/{customer.Id()}/timeline?cursor=nonsense")).ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor.invalid");
        await (await tenant.Admin.GetAsync($"/api/v1/customers/{customer.Id()}/timeline?limit=0")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task TheTimelineFollowsTheCallersFieldRules()
    {
        var tenant = await app.NewTenantAsync();
        var role = await app.CreateRoleAsync(tenant, DataScope.All, ["customers.view", "followups.view"],
            [new FieldRule("customers", "phone", FieldAccess.Hidden), new FieldRule("customers", "email", FieldAccess.Masked)]);
        var (_, viewer) = await tenant.NewMemberAsync(null, null, role);
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"), phone: "021-5555", email: "buyer@acme.test");
        var created = (await viewer.GetJsonAsync($"/api/v1/customers/{customer.Id()}/timeline")).Items().Single();
        var changes = created.GetProperty("changes");
        Assert.False(changes.TryGetProperty("phone", out _));
        Assert.Equal("b***@acme.test", changes.GetProperty("email").Str("after"));
        Assert.Equal("021-5555", (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/timeline")).Items().Single().GetProperty("changes").GetProperty("phone").Str("after"));
    }

    [Fact]
    public async Task OpportunitiesAndContactsHaveTimelinesWithTheirActivities()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var deal = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { customerId = customer.Id(), name = "Deal" }, HttpStatusCode.Created);
        await tenant.Admin.PostJsonAsync($"/api/v1/opportunities/{deal.Id()}/stage", new { stageKey = "proposal" }, HttpStatusCode.OK);
        await tenant.Admin.CreateFollowUpAsync(deal.Id(), "Sent the proposal", relatedType: "opportunity", channel: "email");
        var kinds = (await tenant.Admin.GetJsonAsync($"/api/v1/opportunities/{deal.Id()}/timeline")).Items().Select(i => i.Str("kind"));
        Assert.Equal(["followup", "stageChanged", "created"], kinds);

        var contact = await tenant.Admin.CreateContactAsync(customer.Id(), "Li Lei");
        Assert.Equal(["created"], (await tenant.Admin.GetJsonAsync($"/api/v1/contacts/{contact.Id()}/timeline")).Items().Select(i => i.Str("kind")));
        await (await tenant.Admin.GetAsync("/api/v1/contacts/01aaaaaaaaaaaaaaaaaaaaaaaa/timeline")).ExpectProblemAsync(HttpStatusCode.NotFound, "contact.not_found");
    }
}
