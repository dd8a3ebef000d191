using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

public sealed class FollowUpApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static DateTimeOffset? LastFollowUpAt(JsonElement record) =>
        record.TryGetProperty("lastFollowUpAt", out var v) && v.ValueKind == JsonValueKind.String ? v.GetDateTimeOffset() : null;

    private static DateTimeOffset Minutes(int minutes) => DateTimeOffset.UtcNow.AddMinutes(minutes);

    [Fact]
    public async Task AFollowUpSetsTheCustomersLastFollowUpAtToTheNewestAndIsListedByRecord()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var t1 = Minutes(-60);
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/followups", new { relatedType = "customer", relatedId = customer.Id(), channel = "visit", content = "  Visited the plant  ", occurredAt = t1 });
        var first = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.EndsWith($"/api/v1/followups/{first.Id()}", response.Headers.Location!.ToString());
        Assert.Equal($"\"{first.Str("version")}\"", response.Headers.ETag!.Tag);
        Assert.Equal("Visited the plant", first.Str("content"));
        Assert.Equal(tenant.AdminUserId, first.Str("ownerId"));
        Assert.Equal(t1, LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));

        // An older follow-up recorded late leaves it; a newer one moves it on.
        await tenant.Admin.CreateFollowUpAsync(customer.Id(), "Earlier call", occurredAt: Minutes(-120));
        Assert.Equal(t1, LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));
        var t2 = Minutes(-10);
        var newest = await tenant.Admin.CreateFollowUpAsync(customer.Id(), "Latest call", occurredAt: t2);
        Assert.Equal(t2, LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));

        var other = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Other"));
        await tenant.Admin.CreateFollowUpAsync(other.Id());
        var listed = await tenant.Admin.ListAllAsync($"/api/v1/followups?relatedType=customer&relatedId={customer.Id()}");
        Assert.Equal(3, listed.Count);
        Assert.All(listed, f => Assert.Equal(customer.Id(), f.Str("relatedId")));

        // Deleting the newest falls back to the newest left; the change is audited as a follow-up.
        await (await tenant.Admin.DeleteAsync($"/api/v1/followups/{newest.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(t1, LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));
        var trail = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customer.Id()}");
        Assert.Equal(3, trail.Count(e => e.TryGetProperty("activity", out var a) && a.GetString() == "followedUp"));
    }

    [Fact]
    public async Task MovingAFollowUpEarlierRecomputesAndLaterAdvances()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var older = await tenant.Admin.CreateFollowUpAsync(customer.Id(), occurredAt: Minutes(-90));
        var newer = await tenant.Admin.CreateFollowUpAsync(customer.Id(), occurredAt: Minutes(-30));
        var earlier = Minutes(-200);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/followups/{newer.Id()}", new { occurredAt = earlier })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(older.GetProperty("occurredAt").GetDateTimeOffset(), LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));
        var later = Minutes(-5);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/followups/{older.Id()}", new { occurredAt = later })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(later, LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));
    }

    [Fact]
    public async Task ContactsAndOpportunitiesKeepTheirOwnLastFollowUpAt()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var contact = await tenant.Admin.CreateContactAsync(customer.Id(), "Li Lei");
        var deal = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { customerId = customer.Id(), name = "Deal" }, HttpStatusCode.Created);
        var at = Minutes(-15);
        await tenant.Admin.CreateFollowUpAsync(contact.Id(), relatedType: "contact", occurredAt: at);
        await tenant.Admin.CreateFollowUpAsync(deal.Id(), relatedType: "opportunity", channel: "meeting", occurredAt: at.AddMinutes(1));
        Assert.Equal(at, LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/contacts/{contact.Id()}")));
        Assert.Equal(at.AddMinutes(1), LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/opportunities/{deal.Id()}")));
        Assert.Null(LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));
        // Set by follow-ups only.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/contacts/{contact.Id()}", new { lastFollowUpAt = Minutes(-1) })).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task InvalidFollowUpsAreRefusedWithTheirCodesAndChangeNothing()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        async Task Refused(object body, string code, HttpStatusCode status = HttpStatusCode.BadRequest) =>
            await (await tenant.Admin.PostAsJsonAsync("/api/v1/followups", body)).ExpectProblemAsync(status, code);
        var id = customer.Id();
        await Refused(new { relatedType = "customer", relatedId = id, channel = "phone" }, "validation.failed");
        await Refused(new { relatedType = "customer", relatedId = id, channel = "phone", content = "   " }, "validation.failed");
        await Refused(new { relatedType = "customer", relatedId = id, channel = "phone", content = new string('x', 4001) }, "validation.failed");
        await Refused(new { relatedType = "customer", relatedId = id, channel = "pigeon", content = "Hi" }, "dictionary.value_unknown");
        await Refused(new { relatedType = "customer", relatedId = id, channel = "phone", content = "Hi", occurredAt = Minutes(60) }, "followup.occurred_in_future");
        await Refused(new { relatedType = "customer", relatedId = id, channel = "phone", content = "Hi", occurredAt = Minutes(-10), nextContactAt = Minutes(-20) },
            "followup.next_contact_not_after_occurred");
        await Refused(new { relatedType = "invoice", relatedId = id, channel = "phone", content = "Hi" }, "followup.related_type_unknown");
        // One name for links to a record of any type (API.md): the old targetType/targetId pair is an unknown field.
        var oldNames = await (await tenant.Admin.PostAsJsonAsync("/api/v1/followups", new { targetType = "customer", targetId = id, channel = "phone", content = "Hi" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("targetType", oldNames.ErrorFields());
        await Refused(new { relatedType = "customer", relatedId = "01aaaaaaaaaaaaaaaaaaaaaaaa", channel = "phone", content = "Hi" }, "customer.not_found", HttpStatusCode.NotFound);
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/followups")).Items());
        Assert.Null(LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{id}")));

        // A small clock skew is accepted; a follow-up stays on its record.
        var followUp = await tenant.Admin.CreateFollowUpAsync(id, occurredAt: Minutes(2));
        var other = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Other"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/followups/{followUp.Id()}", new { relatedId = other.Id() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "followup.related_fixed");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/followups/{followUp.Id()}", new { nextContactAt = Minutes(-60) }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "followup.next_contact_not_after_occurred");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/followups/{followUp.Id()}", new { content = "Changed" }, "\"stale\"")).ExpectAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task ARepCannotFollowUpOrSeeTheTimelineOfAColleaguesCustomerButATeamMemberCan()
    {
        var tenant = await app.NewTenantAsync();
        var (aliceId, alice) = await app.NewSellerAsync(tenant, DataScope.Self, rights: SalesSetup.FollowUpRepRights);
        var (bobId, bob) = await app.NewSellerAsync(tenant, DataScope.Self, rights: SalesSetup.FollowUpRepRights);
        var bobs = await bob.CreateCustomerAsync(SalesSetup.Unique("Bob's"));
        await bob.CreateFollowUpAsync(bobs.Id(), "Bob's call");

        await (await alice.PostAsJsonAsync("/api/v1/followups", new { relatedType = "customer", relatedId = bobs.Id(), channel = "phone", content = "Sneaky" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await (await alice.GetAsync($"/api/v1/customers/{bobs.Id()}/timeline")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        Assert.Empty((await alice.GetJsonAsync($"/api/v1/followups?relatedId={bobs.Id()}")).Items());

        await bob.PostJsonAsync($"/api/v1/customers/{bobs.Id()}/team", new { userId = aliceId, access = "read" }, HttpStatusCode.OK);
        var hers = await alice.CreateFollowUpAsync(bobs.Id(), "Helping Bob");
        Assert.Equal(aliceId, hers.Str("ownerId"));
        var timeline = await alice.GetJsonAsync($"/api/v1/customers/{bobs.Id()}/timeline");
        Assert.Equal(2, timeline.Items().Count(i => i.Str("kind") == "followup"));
        Assert.NotEqual(bobId, aliceId);
    }

    [Fact]
    public async Task AFollowUpGoesToTheRecycleBinAndComesBackWithItsLastFollowUpAt()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var at = Minutes(-5);
        var followUp = await tenant.Admin.CreateFollowUpAsync(customer.Id(), occurredAt: at);
        await (await tenant.Admin.DeleteAsync($"/api/v1/followups/{followUp.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Null(LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));
        Assert.Contains(followUp.Id(), (await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin?type=followup")).Items().Select(i => i.Str("id")));

        await tenant.Admin.PostJsonAsync($"/api/v1/recycle-bin/followup/{followUp.Id()}/restore", new { }, HttpStatusCode.OK);
        await tenant.Admin.GetJsonAsync($"/api/v1/followups/{followUp.Id()}");
        Assert.Equal(at, LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));
    }

    [Fact]
    public async Task ADeletedCustomersFollowUpsStayAndComeBackWithIt()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var at = Minutes(-5);
        var kept = await tenant.Admin.CreateFollowUpAsync(customer.Id(), occurredAt: at);
        var binned = await tenant.Admin.CreateFollowUpAsync(customer.Id(), occurredAt: at.AddMinutes(-1));
        await (await tenant.Admin.DeleteAsync($"/api/v1/followups/{binned.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.DeleteAsync($"/api/v1/customers/{customer.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);

        // A follow-up cannot come back to a binned record, nor be recorded on one.
        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/recycle-bin/followup/{binned.Id()}/restore", new { }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "followup.related_deleted");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/followups", new { relatedType = "customer", relatedId = customer.Id(), channel = "phone", content = "Hi" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");

        await tenant.Admin.PostJsonAsync($"/api/v1/recycle-bin/customer/{customer.Id()}/restore", new { }, HttpStatusCode.OK);
        Assert.Equal([kept.Id()], (await tenant.Admin.GetJsonAsync($"/api/v1/followups?relatedId={customer.Id()}")).Ids());
        Assert.Equal(at, LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));
        await tenant.Admin.PostJsonAsync($"/api/v1/recycle-bin/followup/{binned.Id()}/restore", new { }, HttpStatusCode.OK);
        Assert.Equal(2, (await tenant.Admin.GetJsonAsync($"/api/v1/followups?relatedId={customer.Id()}")).Items().Count);
    }

    [Fact]
    public async Task AMergeMovesTheSourcesFollowUpsToTheTarget()
    {
        var tenant = await app.NewTenantAsync();
        var target = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Target"));
        var source = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Source"));
        var onTarget = await tenant.Admin.CreateFollowUpAsync(target.Id(), occurredAt: Minutes(-60));
        var at = Minutes(-3);
        var onSource = await tenant.Admin.CreateFollowUpAsync(source.Id(), "Source call", occurredAt: at);

        var result = await tenant.Admin.PostJsonAsync("/api/v1/customers/merge", new { targetId = target.Id(), sourceIds = new[] { source.Id() } }, HttpStatusCode.OK);
        Assert.Equal([onSource.Id()], result.GetProperty("movedFollowUpIds").EnumerateArray().Select(e => e.GetString()));
        var moved = await tenant.Admin.GetJsonAsync($"/api/v1/followups/{onSource.Id()}");
        Assert.Equal(target.Id(), moved.Str("relatedId"));
        Assert.Equal(new[] { onSource.Id(), onTarget.Id() }.Order(), (await tenant.Admin.GetJsonAsync($"/api/v1/followups?relatedId={target.Id()}")).Ids().Order());
        Assert.Equal(at, LastFollowUpAt(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{target.Id()}")));
        var trail = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={onSource.Id()}");
        Assert.Equal("merged", trail[0].Str("activity"));
        var timeline = (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{target.Id()}/timeline")).Items();
        Assert.Equal([onSource.Id(), onTarget.Id()], timeline.Where(i => i.Str("kind") == "followup").Select(i => i.Id()));
    }
}
