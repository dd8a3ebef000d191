using System.Net;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;

namespace Crm.ApiTests.Conventions;

/// <summary>Without If-Match, concurrent changes of one record all apply (last write wins, API.md): none answers 409.</summary>
public sealed class ConcurrentWriteTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task TwentyConcurrentPatchesWithoutIfMatchAllSucceedAndEachIsRecorded()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { description = $"writer {i}" })));
        foreach (var response in responses)
        {
            await response.ExpectAsync(HttpStatusCode.OK);
        }
        var stored = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}");
        var last = await Task.WhenAll(responses.Select(async r => (await r.ExpectAsync(HttpStatusCode.OK)).Str("version")));
        Assert.Contains(stored.Str("version"), last);
        Assert.Equal(20, last.Distinct().Count());
        var trail = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customer.Id()}");
        Assert.Equal(20, trail.Count(e => e.Str("action") == "updated"));
    }

    [Fact]
    public async Task ConcurrentPatchesOfDifferentFieldsLoseNone()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var patches = new object[]
        {
            new { description = "d" }, new { shortName = "s" }, new { website = "https://example.com" }, new { phone = "021-5555-0101" },
            new { email = "sales@example.com" }, new { tags = new[] { "vip" } }, new { industry = "manufacturing" }, new { source = "website" },
        };
        await Task.WhenAll(patches.Select(async p => await (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", p)).ExpectAsync(HttpStatusCode.OK)));
        var stored = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}");
        Assert.Equal(("d", "s", "https://example.com", "021-5555-0101", "sales@example.com", "manufacturing", "website"),
            (stored.Str("description"), stored.Str("shortName"), stored.Str("website"), stored.Str("phone"), stored.Str("email"), stored.Str("industry"), stored.Str("source")));
        Assert.Equal(["vip"], stored.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }
}
