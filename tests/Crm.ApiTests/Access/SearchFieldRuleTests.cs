using System.Net;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.ApiTests.Transfers;
using Crm.Domain.Access;

namespace Crm.ApiTests.Access;

/// <summary>
/// A prefix search (<c>q</c>) never matches by a field hidden or masked from the caller, or the records a growing
/// prefix finds would spell out the value digit by digit; it still matches by the fields they see.
/// </summary>
public sealed class SearchFieldRuleTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string CustomerPhone = "13987654321";
    private const string ContactMobile = "13711112222";
    private const string LeadPhone = "13655554444";

    private static readonly FieldRule[] Rules =
    [
        new("customers", "phone", FieldAccess.Hidden),
        new("contacts", "mobile", FieldAccess.Masked),
        new("leads", "phone", FieldAccess.Hidden),
    ];

    private sealed record Setup(TestTenant Tenant, HttpClient Rep, string Stamp, string Customer, string PooledCustomer, string Contact, string Lead);

    private async Task<Setup> SetUpAsync()
    {
        var tenant = await app.NewTenantAsync();
        var role = await app.CreateRoleAsync(tenant, DataScope.Self, [.. SalesSetup.RepRights, "leads.view", "leads.export"], Rules);
        var (repId, rep) = await tenant.NewMemberAsync(null, null, role);
        var s = Api.Stamp();
        var customer = await tenant.Admin.CreateCustomerAsync($"Zircon {s}", ownerId: repId, phone: CustomerPhone);
        var pooled = await tenant.Admin.CreateCustomerAsync($"Pooled {s}", phone: CustomerPhone);
        await tenant.Admin.PostJsonAsync($"/api/v1/customers/{pooled.Id()}/release", new { }, HttpStatusCode.OK);
        var contact = await tenant.Admin.PostJsonAsync("/api/v1/contacts",
            new { customerId = customer.Id(), name = $"Wen {s}", mobile = ContactMobile, ownerId = repId }, HttpStatusCode.Created);
        var lead = await tenant.Admin.CreateLeadAsync($"Quill {s}", ownerId: repId, phone: LeadPhone);
        return new Setup(tenant, rep, s, customer.Id(), pooled.Id(), contact.Id(), lead.Id());
    }

    private static async Task<IReadOnlyList<string>> ListAsync(HttpClient client, string type, string q) =>
        (await client.GetJsonAsync($"/api/v1/{type}?q={Uri.EscapeDataString(q)}")).Ids();

    private static async Task<IReadOnlyList<string>> SearchAsync(HttpClient client, string type, string q) =>
        (await client.PostJsonAsync($"/api/v1/{type}/search", new { q }, HttpStatusCode.OK)).Ids();

    [Fact]
    public async Task ARepSearchingByAHiddenOrMaskedPhoneFindsNothingButFindsTheRecordByName()
    {
        var (tenant, rep, s, customer, _, contact, lead) = await SetUpAsync();
        foreach (var (type, id, digits, name) in new[]
        {
            ("customers", customer, CustomerPhone, "zircon"),
            ("contacts", contact, ContactMobile, "wen " + s),
            ("leads", lead, LeadPhone, "quill " + s),
        })
        {
            // Every prefix of the number, as someone recovering it digit by digit would try.
            for (var length = 3; length <= digits.Length; length++)
            {
                Assert.Empty(await ListAsync(rep, type, digits[..length]));
            }
            Assert.Empty(await SearchAsync(rep, type, digits));
            Assert.Equal([id], await ListAsync(rep, type, name));
            Assert.Equal([id], await SearchAsync(rep, type, name));
            // Whoever sees the field still finds the record by it.
            Assert.Contains(id, await ListAsync(tenant.Admin, type, digits[..7]));
            Assert.Contains(id, await SearchAsync(tenant.Admin, type, digits));
        }
    }

    [Fact]
    public async Task PoolAndExportsDoNotMatchAHiddenPhoneEither()
    {
        var (tenant, rep, s, customer, pooled, _, _) = await SetUpAsync();
        Assert.Empty(await ListAsync(rep, "pool", CustomerPhone[..6]));
        Assert.Equal([pooled], await ListAsync(rep, "pool", "pooled " + s));
        Assert.Equal([pooled], await ListAsync(tenant.Admin, "pool", CustomerPhone[..6]));

        var csv = await rep.GetStringAsync($"/api/v1/customers/export?q={CustomerPhone[..6]}");
        Assert.DoesNotContain(customer, csv, StringComparison.Ordinal);
        Assert.Contains(customer, await rep.GetStringAsync($"/api/v1/customers/export?q=zircon"), StringComparison.Ordinal);

        var job = await rep.ExportAndWaitAsync(new { entityType = "customers", format = "csv", search = new { q = CustomerPhone[..6] } });
        Assert.DoesNotContain(customer, await rep.GetStringAsync($"/api/v1/exports/{job.Id()}/file"), StringComparison.Ordinal);
        var byName = await rep.ExportAndWaitAsync(new { entityType = "customers", format = "csv", search = new { q = "zircon" } });
        Assert.Contains($"Zircon {s}", await rep.GetStringAsync($"/api/v1/exports/{byName.Id()}/file"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATermOfAVisibleFieldStillMatchesWhenAHiddenFieldHoldsTheSameText()
    {
        var (tenant, rep, _, _, _, _, _) = await SetUpAsync();
        var me = (await rep.GetJsonAsync("/api/v1/me")).Id();
        // The name starts with the digits the hidden phone holds: the record is found by its name.
        var named = await tenant.Admin.CreateCustomerAsync(CustomerPhone[..5] + " Trading " + Api.Stamp(), ownerId: me, phone: CustomerPhone);
        Assert.Equal([named.Id()], await ListAsync(rep, "customers", CustomerPhone[..5] + " trading"));
        Assert.Equal([named.Id()], await SearchAsync(rep, "customers", CustomerPhone[..5]));
    }

    [Fact]
    public async Task TheDuplicateCheckOnlyCountsAVisibleRecordMatchedByAPhoneHiddenFromTheCaller()
    {
        var (tenant, rep, s, customer, _, contact, _) = await SetUpAsync();
        var byPhone = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "customer", phone = CustomerPhone }, HttpStatusCode.OK);
        Assert.Empty(byPhone.GetProperty("matches").EnumerateArray());
        Assert.Equal(2, byPhone.GetProperty("hiddenCount").GetInt32()); // the rep's customer and the pooled one
        var byMobile = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "contact", phone = ContactMobile }, HttpStatusCode.OK);
        Assert.Empty(byMobile.GetProperty("matches").EnumerateArray());
        Assert.Equal(1, byMobile.GetProperty("hiddenCount").GetInt32());

        var byName = await rep.PostJsonAsync("/api/v1/duplicates/check", new { type = "customer", name = $"Zircon {s}", phone = CustomerPhone }, HttpStatusCode.OK);
        var match = Assert.Single(byName.GetProperty("matches").EnumerateArray());
        Assert.Equal((customer, "[\"name\"]"), (match.Id(), match.GetProperty("matchedOn").GetRawText()));

        var admin = await tenant.Admin.PostJsonAsync("/api/v1/duplicates/check", new { type = "contact", phone = ContactMobile }, HttpStatusCode.OK);
        Assert.Equal((contact, "[\"phone\"]"), (admin.GetProperty("matches")[0].Id(), admin.GetProperty("matches")[0].GetProperty("matchedOn").GetRawText()));
    }
}
