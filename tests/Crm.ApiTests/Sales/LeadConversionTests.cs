using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

public sealed class LeadConversionTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task ConvertingMakesTheCustomerContactAndOpportunityAndTheLeadLeavesListsAndSearch()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var company = SalesSetup.Unique("Cobalt Mining");
        var lead = await rep.PostJsonAsync("/api/v1/leads", new
        {
            name = "Liu Yang", company, title = "CTO", phone = "021-5555-0001", mobile = "13911112222", email = "liu@cobalt.example",
            source = "website", industry = "manufacturing", status = "qualified", address = new { city = "Shanghai" },
        }, HttpStatusCode.Created);

        var response = await rep.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert",
            new { createOpportunity = new { name = "Cobalt pilot", amount = 120000, expectedCloseDate = "2026-12-31" } });
        var converted = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal($"\"{converted.Str("version")}\"", response.Headers.ETag?.Tag);
        Assert.Equal(repId, converted.Str("convertedBy"));
        Assert.NotEqual(JsonValueKind.Null, converted.GetProperty("convertedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, converted.GetProperty("conversion").ValueKind);
        var to = converted.GetProperty("convertedTo");

        var customer = await rep.GetJsonAsync($"/api/v1/customers/{to.Str("customerId")}");
        Assert.Equal(company, customer.Str("name"));
        Assert.Equal(("website", "manufacturing", "021-5555-0001", repId), (customer.Str("source"), customer.Str("industry"), customer.Str("phone"), customer.Str("ownerId")));
        Assert.Equal("Shanghai", customer.GetProperty("address").Str("city"));
        Assert.Equal([lead.Id()], customer.GetProperty("convertedFromLeadIds").EnumerateArray().Select(e => e.GetString()));
        var contact = await rep.GetJsonAsync($"/api/v1/contacts/{to.Str("contactId")}");
        Assert.Equal((customer.Id(), "Liu Yang", "CTO", "13911112222", "liu@cobalt.example", lead.Id()),
            (contact.Str("customerId"), contact.Str("name"), contact.Str("title"), contact.Str("mobile"), contact.Str("email"), contact.Str("convertedFromLeadId")));
        var opportunity = await rep.GetJsonAsync($"/api/v1/opportunities/{to.Str("opportunityId")}");
        Assert.Equal(("Cobalt pilot", customer.Id(), repId, lead.Id()), (opportunity.Str("name"), opportunity.Str("customerId"), opportunity.Str("ownerId"), opportunity.Str("convertedFromLeadId")));
        Assert.Equal(120000m, opportunity.GetProperty("amount").GetDecimal());
        Assert.Equal([contact.Id()], opportunity.GetProperty("contacts").EnumerateArray().Select(c => c.Str("contactId")));

        // Still readable by id; gone from every list, search, export and duplicate check.
        Assert.Equal(customer.Id(), (await rep.GetJsonAsync($"/api/v1/leads/{lead.Id()}")).GetProperty("convertedTo").Str("customerId"));
        foreach (var list in new[] { "/api/v1/leads", "/api/v1/leads?q=liu", "/api/v1/leads?q=cobalt", "/api/v1/leads?status=qualified", "/api/v1/leads?source=website", $"/api/v1/leads?ownerId={repId}" })
        {
            Assert.Empty((await tenant.Admin.GetJsonAsync(list)).Items());
        }
        Assert.Empty((await rep.PostJsonAsync("/api/v1/leads/search", new { filterGroups = new[] { new { filters = new[] { new { field = "name", op = "eq", value = "Liu Yang" } } } } }, HttpStatusCode.OK)).Items());
        Assert.DoesNotContain("Liu Yang", await (await rep.GetAsync("/api/v1/leads/export")).Content.ReadAsStringAsync());
        var duplicates = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "lead", name = "Liu Yang" }, HttpStatusCode.OK);
        Assert.Equal((0, 0), (duplicates.GetProperty("matches").GetArrayLength(), duplicates.GetProperty("hiddenCount").GetInt32()));

        // Every write of the conversion is named as such, on the lead and on what it became.
        foreach (var id in new[] { lead.Id(), customer.Id(), contact.Id(), opportunity.Id() })
        {
            Assert.Equal("converted", (await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={id}"))[0].Str("activity"));
        }
        await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.lead.updated"),
            p => p.Items().Any(e => e.GetProperty("data").Str("recordId") == lead.Id() && e.GetProperty("data").Str("activity") == "converted"));
    }

    [Fact]
    public async Task AConvertedLeadIsNotConvertedAgainNorEditedButMayBeDeletedAndRestored()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Admin.CreateLeadAsync("Once", company: SalesSetup.Unique("Once Co"));
        var converted = await tenant.Admin.PostJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { }, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, converted.GetProperty("convertedTo").GetProperty("opportunityId").ValueKind);
        Assert.Empty((await tenant.Admin.GetJsonAsync($"/api/v1/opportunities?customerId={converted.GetProperty("convertedTo").Str("customerId")}")).Items());

        var again = await (await tenant.Admin.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "lead.already_converted");
        Assert.Equal(converted.GetProperty("convertedTo").Str("customerId"), again.GetProperty("convertedTo").Str("customerId"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/leads/{lead.Id()}", new { remark = "late edit" })).ExpectProblemAsync(HttpStatusCode.Conflict, "lead.converted");
        // New follow-ups go on the customer it became, where the lead's earlier ones went.
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/followups", new { relatedType = "lead", relatedId = lead.Id(), channel = "phone", content = "late call" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "lead.converted");
        Assert.Empty((await tenant.Admin.GetJsonAsync($"/api/v1/followups?relatedType=lead&relatedId={lead.Id()}")).Items());
        Assert.Single(await tenant.Admin.ListAllAsync($"/api/v1/customers?q={Uri.EscapeDataString(lead.Str("company"))}"));

        await (await tenant.Admin.DeleteAsync($"/api/v1/leads/{lead.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        var customer = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{converted.GetProperty("convertedTo").Str("customerId")}");
        Assert.Equal([lead.Id()], customer.GetProperty("convertedFromLeadIds").EnumerateArray().Select(e => e.GetString()));
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/lead/{lead.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{lead.Id()}")).GetProperty("convertedAt").ValueKind);
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/leads")).Items());
    }

    [Fact]
    public async Task OverridesShapeTheRecordsAndALeadWithoutACompanyBecomesAPersonalCustomer()
    {
        var tenant = await app.NewTenantAsync();
        var person = await tenant.Admin.CreateLeadAsync(SalesSetup.Unique("Zhao Lei"), mobile: "13600000000");
        var to = (await tenant.Admin.PostJsonAsync($"/api/v1/leads/{person.Id()}/convert", new
        {
            customer = new { level = "a", kind = "direct" },
            contact = new { isPrimary = true, decisionRole = "decisionMaker" },
        }, HttpStatusCode.OK)).GetProperty("convertedTo");
        var customer = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{to.Str("customerId")}");
        Assert.Equal((person.Str("name"), "a", "13600000000"), (customer.Str("name"), customer.Str("level"), customer.Str("phone")));
        var contact = await tenant.Admin.GetJsonAsync($"/api/v1/contacts/{to.Str("contactId")}");
        Assert.True(contact.GetProperty("isPrimary").GetBoolean());
        Assert.Equal("decisionMaker", contact.Str("decisionRole"));
    }

    [Fact]
    public async Task BadOverridesAnswer400NamingTheirPartAndMakeNothing()
    {
        var tenant = await app.NewTenantAsync();
        var company = SalesSetup.Unique("Careful Co");
        var lead = await tenant.Admin.CreateLeadAsync("Careful", company: company);
        async Task<JsonElement> RefusedAsync(object body, string code) =>
            await (await tenant.Admin.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, code);

        Assert.Contains("customer.level", (await RefusedAsync(new { customer = new { level = "platinum" } }, "dictionary.value_unknown")).ErrorFields());
        Assert.Contains("customer.name", (await RefusedAsync(new { customer = new { name = "" } }, "validation.failed")).ErrorFields());
        Assert.Contains("contact.customerId", (await RefusedAsync(new { contact = new { customerId = lead.Id() } }, "lead.conversion_customer_fixed")).ErrorFields());
        Assert.Contains("contact.nickname", (await RefusedAsync(new { contact = new { nickname = "x" } }, "validation.failed")).ErrorFields());
        Assert.Contains("createOpportunity.stageKey", (await RefusedAsync(new { createOpportunity = new { name = "Deal", stageKey = "won" } }, "opportunity.stage_closed")).ErrorFields());
        Assert.Contains("createOpportunity.amount", (await RefusedAsync(new { createOpportunity = new { name = "Deal", amount = -1 } }, "validation.failed")).ErrorFields());
        Assert.Contains("existingCustomerId", (await RefusedAsync(new { existingCustomerId = "01aaaaaaaaaaaaaaaaaaaaaaaa" }, "lead.customer_not_found")).ErrorFields());

        var after = await tenant.Admin.GetJsonAsync($"/api/v1/leads/{lead.Id()}");
        Assert.Equal(lead.Str("version"), after.Str("version"));
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/customers")).Items());
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/contacts")).Items());
    }

    [Fact]
    public async Task ALeadMayJoinAnExistingVisibleCustomerWithoutTheRightToCreateOne()
    {
        var tenant = await app.NewTenantAsync();
        var rights = SalesSetup.LeadRights.Where(r => r != "customers.create").ToArray();
        var (repId, rep) = await app.NewSellerAsync(tenant, rights: rights);
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Existing"), ownerId: repId);
        var hidden = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Hidden"));
        var lead = await rep.CreateLeadAsync("Joiner", company: customer.Str("name"));

        await (await rep.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { existingCustomerId = hidden.Id() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "lead.customer_not_found");
        var to = (await rep.PostJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { existingCustomerId = customer.Id() }, HttpStatusCode.OK)).GetProperty("convertedTo");
        Assert.Equal(customer.Id(), to.Str("customerId"));
        Assert.Equal(customer.Id(), (await rep.GetJsonAsync($"/api/v1/contacts/{to.Str("contactId")}")).Str("customerId"));
        var linked = await rep.GetJsonAsync($"/api/v1/customers/{customer.Id()}");
        Assert.Equal([lead.Id()], linked.GetProperty("convertedFromLeadIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("converted", (await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customer.Id()}"))[0].Str("activity"));
        Assert.Equal(2, (await tenant.Admin.GetJsonAsync("/api/v1/customers")).Items().Count);
    }

    [Fact]
    public async Task ADuplicateCompanyAnswers409WithTheVisibleCustomerAndARetryLinkingItFinishes()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var company = SalesSetup.Unique("Taken Name Co");
        var existing = await rep.CreateCustomerAsync(company);
        var lead = await rep.CreateLeadAsync("Twin", company: company.ToUpperInvariant());

        var conflict = await (await rep.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { createOpportunity = new { name = "Twin deal" } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "customer.duplicate_name");
        Assert.Equal(existing.Id(), conflict.Str("existingId"));
        Assert.Empty((await rep.GetJsonAsync($"/api/v1/customers/{existing.Id()}/contacts")).Items());
        Assert.Equal(JsonValueKind.Null, (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{lead.Id()}")).GetProperty("convertedTo").ValueKind);

        var to = (await rep.PostJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { existingCustomerId = existing.Id(), createOpportunity = new { name = "Twin deal" } }, HttpStatusCode.OK))
            .GetProperty("convertedTo");
        Assert.Equal(existing.Id(), to.Str("customerId"));
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/customers"));
        Assert.Equal([to.Str("contactId")], (await rep.GetJsonAsync($"/api/v1/customers/{existing.Id()}/contacts")).Ids());
        Assert.Equal([to.Str("opportunityId")], (await rep.GetJsonAsync($"/api/v1/opportunities?customerId={existing.Id()}")).Ids());

        // A colleague's customer of that name is not revealed.
        var (_, colleague) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var theirs = await colleague.CreateLeadAsync("Other twin", company: company);
        var hidden = await (await colleague.PostAsJsonAsync($"/api/v1/leads/{theirs.Id()}/convert", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "customer.duplicate_name");
        Assert.False(hidden.TryGetProperty("existingId", out _));
    }

    [Fact]
    public async Task ConvertingNeedsTheConvertRightInScopeAndTheRightToCreateWhatItMakes()
    {
        var tenant = await app.NewTenantAsync();
        var (_, owner) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        var lead = await owner.CreateLeadAsync("Guarded", company: SalesSetup.Unique("Guarded Co"));
        var (_, colleague) = await app.NewSellerAsync(tenant, rights: SalesSetup.LeadRights);
        await (await colleague.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "lead.not_found");

        var (_, viewerOnly) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["leads.view"]),
            await app.CreateRoleAsync(tenant, DataScope.Self, [.. SalesSetup.LeadRights.Where(r => r != "leads.view")]));
        await (await viewerOnly.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");
        foreach (var missing in new[] { "leads.convert", "contacts.create", "customers.create", "opportunities.create" })
        {
            var (_, lacking) = await app.NewSellerAsync(tenant, DataScope.All, rights: [.. SalesSetup.LeadRights.Where(r => r != missing)]);
            await (await lacking.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { createOpportunity = new { name = "Deal" } }))
                .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        }
        var untouched = await owner.GetJsonAsync($"/api/v1/leads/{lead.Id()}");
        Assert.Equal((lead.Str("version"), JsonValueKind.Null), (untouched.Str("version"), untouched.GetProperty("conversion").ValueKind));
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/customers")).Items());
    }

    [Fact]
    public async Task ConcurrentConversionsOfOneLeadMakeOneOfEachRecord()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Admin.CreateLeadAsync("Raced", company: SalesSetup.Unique("Raced Co"));
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            tenant.Admin.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { createOpportunity = new { name = "Raced deal" } })));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var to = (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{lead.Id()}")).GetProperty("convertedTo");
        Assert.Equal([to.Str("customerId")], (await tenant.Admin.ListAllAsync("/api/v1/customers")).Select(c => c.Id()));
        Assert.Equal([to.Str("contactId")], (await tenant.Admin.ListAllAsync("/api/v1/contacts")).Select(c => c.Id()));
        Assert.Equal([to.Str("opportunityId")], (await tenant.Admin.ListAllAsync("/api/v1/opportunities")).Select(c => c.Id()));
    }
}
