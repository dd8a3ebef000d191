using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

/// <summary>
/// A link field (reportsToId, customerId, contacts[].contactId) naming a record the caller cannot see answers
/// exactly as one naming no record at all, so a write never confirms that an id exists.
/// </summary>
public sealed class LinkVisibilityTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string UnknownId = "01jzzzzzzzzzzzzzzzzzzzzzzz";

    private static readonly string[] Rights =
        [.. SalesSetup.RepRights, "opportunities.view", "opportunities.create", "opportunities.edit"];

    private sealed record Setup(TestTenant Tenant, HttpClient Rep, string RepId, string Customer, string OthersContact, string OthersCustomer);

    /// <summary>A rep's customer holding a contact of a colleague's (which the rep's self scope does not show), and the colleague's own customer.</summary>
    private async Task<Setup> SetUpAsync()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant, DataScope.Self, rights: Rights);
        var (colleagueId, _) = await app.NewSellerAsync(tenant, DataScope.Self, rights: Rights);
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Rep's"), ownerId: repId);
        var othersContact = await tenant.Admin.PostJsonAsync("/api/v1/contacts",
            new { customerId = customer.Id(), name = "Colleague's contact", ownerId = colleagueId }, HttpStatusCode.Created);
        var othersCustomer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Colleague's"), ownerId: colleagueId);
        await (await rep.GetAsync($"/api/v1/contacts/{othersContact.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "contact.not_found");
        return new Setup(tenant, rep, repId, customer.Id(), othersContact.Id(), othersCustomer.Id());
    }

    /// <summary>Both answers are the same problem: status, code and the fields it names.</summary>
    private static async Task AssertAnsweredAlikeAsync(Task<HttpResponseMessage> hidden, Task<HttpResponseMessage> unknown, string code)
    {
        var a = await (await hidden).ExpectProblemAsync(HttpStatusCode.BadRequest, code);
        var b = await (await unknown).ExpectProblemAsync(HttpStatusCode.BadRequest, code);
        Assert.Equal(b.ErrorFields(), a.ErrorFields());
    }

    [Fact]
    public async Task AContactReportingToAContactTheCallerCannotSeeAnswersAsAnUnknownId()
    {
        var (tenant, rep, _, customer, othersContact, _) = await SetUpAsync();
        Task<HttpResponseMessage> Create(string reportsToId) =>
            rep.PostAsJsonAsync("/api/v1/contacts", new { customerId = customer, name = "New " + Api.Stamp(), reportsToId });
        await AssertAnsweredAlikeAsync(Create(othersContact), Create(UnknownId), "contact.reports_to_invalid");

        var mine = await rep.CreateContactAsync(customer, "Mine " + Api.Stamp());
        Task<HttpResponseMessage> Patch(string reportsToId) => rep.PatchJsonAsync($"/api/v1/contacts/{mine.Id()}", new { reportsToId });
        await AssertAnsweredAlikeAsync(Patch(othersContact), Patch(UnknownId), "contact.reports_to_invalid");
        Assert.Equal(mine.Str("version"), (await rep.GetJsonAsync($"/api/v1/contacts/{mine.Id()}")).Str("version"));

        // A contact the caller sees is linked as before; an administrator sees them all.
        var boss = await rep.CreateContactAsync(customer, "Boss " + Api.Stamp());
        Assert.Equal(boss.Id(), (await (await rep.PatchJsonAsync($"/api/v1/contacts/{mine.Id()}", new { reportsToId = boss.Id() })).ExpectAsync(HttpStatusCode.OK)).Str("reportsToId"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/contacts/{mine.Id()}", new { reportsToId = othersContact })).ExpectAsync(HttpStatusCode.OK);
        // A link someone else set to a contact the rep cannot see does not block the rep's other edits.
        await (await rep.PatchJsonAsync($"/api/v1/contacts/{mine.Id()}", new { title = "Buyer" })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnOpportunityNamingAContactTheCallerCannotSeeAnswersAsAnUnknownId()
    {
        var (tenant, rep, _, customer, othersContact, _) = await SetUpAsync();
        Task<HttpResponseMessage> Create(string contactId) =>
            rep.PostAsJsonAsync("/api/v1/opportunities", new { name = "Deal " + Api.Stamp(), customerId = customer, contacts = new[] { new { contactId } } });
        await AssertAnsweredAlikeAsync(Create(othersContact), Create(UnknownId), "opportunity.contact_invalid");

        var deal = await rep.PostJsonAsync("/api/v1/opportunities", new { name = "Deal " + Api.Stamp(), customerId = customer }, HttpStatusCode.Created);
        Task<HttpResponseMessage> Patch(string contactId) =>
            rep.PatchJsonAsync($"/api/v1/opportunities/{deal.Id()}", new { contacts = new[] { new { contactId } } });
        await AssertAnsweredAlikeAsync(Patch(othersContact), Patch(UnknownId), "opportunity.contact_invalid");

        // Held links stay: the administrator links the colleague's contact, and the rep still edits the deal.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/opportunities/{deal.Id()}", new { contacts = new[] { new { contactId = othersContact } } })).ExpectAsync(HttpStatusCode.OK);
        await (await rep.PatchJsonAsync($"/api/v1/opportunities/{deal.Id()}", new { amount = 1000 })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ACustomerTheCallerCannotSeeAnswersAsAnUnknownIdOnContactsAndOpportunities()
    {
        var (_, rep, _, _, _, othersCustomer) = await SetUpAsync();
        await AssertAnsweredAlikeAsync(
            rep.PostAsJsonAsync("/api/v1/contacts", new { customerId = othersCustomer, name = "X" }),
            rep.PostAsJsonAsync("/api/v1/contacts", new { customerId = UnknownId, name = "X" }), "contact.customer_not_found");
        await AssertAnsweredAlikeAsync(
            rep.PostAsJsonAsync("/api/v1/opportunities", new { name = "X", customerId = othersCustomer }),
            rep.PostAsJsonAsync("/api/v1/opportunities", new { name = "X", customerId = UnknownId }), "opportunity.customer_not_found");
    }
}
