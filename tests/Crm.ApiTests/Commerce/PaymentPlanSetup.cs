using System.Net;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;

namespace Crm.ApiTests.Commerce;

/// <summary>What invoices and payment plans are made against: an active contract of 1,130.00 CNY (10 × 100, 13 % tax).</summary>
internal static class PaymentPlanSetup
{
    public const decimal ContractTotal = 1130m;

    public sealed record ActiveContract(string CustomerId, string ContractId, JsonElement Contract)
    {
        public string Url => $"/api/v1/contracts/{ContractId}";
    }

    /// <summary>A draft contract of a new customer, owned by <paramref name="client"/>'s user unless the admin gives it to <paramref name="ownerId"/>.</summary>
    public static async Task<ActiveContract> DraftContractAsync(HttpClient client, string? ownerId = null)
    {
        var product = await client.PostJsonAsync("/api/v1/products", new { code = "P" + Api.Stamp(), name = "Pump", listPrice = 100m, taxRate = 13m }, HttpStatusCode.Created);
        var customer = await client.CreateCustomerAsync(SalesSetup.Unique("Buyer"), ownerId);
        var contract = await client.PostJsonAsync("/api/v1/contracts", new
        {
            name = "Pumps", customerId = customer.Id(), currency = "CNY", ownerId,
            lines = new[] { new { productId = product.Id(), quantity = 10m } },
        }, HttpStatusCode.Created);
        return new ActiveContract(customer.Id(), contract.Id(), contract);
    }

    /// <summary>
    /// The one place a test makes a contract take effect: submitted for approval in a tenant without a contract flow,
    /// so it is approved at once.
    /// </summary>
    public static async Task<ActiveContract> ActiveContractAsync(HttpClient admin, string? ownerId = null)
    {
        var draft = await DraftContractAsync(admin, ownerId);
        await (await admin.PostAsync($"{draft.Url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        var active = await admin.GetJsonAsync(draft.Url);
        Assert.Equal("active", active.Str("status"));
        Assert.Equal(ContractTotal, active.GetProperty("totals").GetProperty("gross").GetDecimal());
        return draft with { Contract = active };
    }

    public static decimal Dec(this JsonElement e, string property) => e.GetProperty(property).GetDecimal();

    /// <summary>The tenant's calendar day (tenants are made in Asia/Shanghai).</summary>
    public static DateOnly TenantToday(DateTimeOffset? at = null) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at ?? DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
}
