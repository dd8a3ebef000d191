using System.Text.Json;
using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Crm.ApiTests.Infrastructure;
using Crm.Commerce.Inventory;
using Crm.Storage.Inventory;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Commerce;

/// <summary>The reconciliation job and the low-stock list, against balance rows in Azurite.</summary>
public sealed class InventoryReconciliationTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static async Task<string> ProductAsync(HttpClient client, object? extra = null) =>
        (await client.PostJsonAsync("/api/v1/products", extra ?? new { code = "P-" + Api.Stamp(), name = "Widget" }, HttpStatusCode.Created)).Id();

    private static Task<HttpResponseMessage> ReceiveAsync(HttpClient client, string productId, decimal quantity, string kind = "receipt") =>
        client.PostAsJsonAsync("/api/v1/inventory/entries", new { kind, productId, quantity, reason = "test" });

    private async Task RunJobAsync()
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<InventoryReconciliationJob>()
            .RunAsync(new TimerJobContext(InventoryReconciliationJob.Name, DateTimeOffset.UtcNow, null, false), CancellationToken.None);
    }

    [Fact]
    public async Task ReconciliationReportsAPlantedDifferenceAndRepairsNothing()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var good = await ProductAsync(admin);
        var bad = await ProductAsync(admin);
        await (await ReceiveAsync(admin, good, 5)).ExpectAsync(HttpStatusCode.Created);
        await (await ReceiveAsync(admin, bad, 7)).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/inventory/reconciliations/latest")).StatusCode);

        // Plant a difference: the product's total says 9 on hand over entries summing to 7.
        var table = app.Services.GetRequiredService<LedgerStore>().Table;
        var row = (await table.GetEntityAsync<TableEntity>(LedgerStore.Partition(tenant.Id, bad), "b")).Value;
        row["OnHand"] = "9";
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        await RunJobAsync();

        var report = await admin.GetJsonAsync("/api/v1/inventory/reconciliations/latest");
        // Two products, each a total and one warehouse balance.
        Assert.Equal(4, report.GetProperty("balances").GetInt32());
        Assert.Equal(1, report.GetProperty("differences").GetInt32());
        var item = Assert.Single(report.GetProperty("items").EnumerateArray());
        Assert.Equal(bad, item.Str("productId"));
        Assert.Equal(JsonValueKind.Null, item.GetProperty("warehouseId").ValueKind);
        Assert.Equal(9m, item.GetProperty("storedOnHand").GetDecimal());
        Assert.Equal(7m, item.GetProperty("computedOnHand").GetDecimal());

        // Not repaired silently: the stored balance is still the planted one.
        var balance = await admin.GetJsonAsync($"/api/v1/inventory/products/{bad}/balance");
        Assert.Equal(9m, balance.GetProperty("onHand").GetDecimal());
    }

    [Fact]
    public async Task LowStockListsProductsBelowTheirReorderLevelWithTheShortfall()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var low = await ProductAsync(admin, new { code = "L-" + Api.Stamp(), name = "Low", reorderLevel = 5 });
        var fine = await ProductAsync(admin, new { code = "F-" + Api.Stamp(), name = "Fine", reorderLevel = 2 });
        await (await ReceiveAsync(admin, low, 3)).ExpectAsync(HttpStatusCode.Created);
        await (await ReceiveAsync(admin, fine, 10)).ExpectAsync(HttpStatusCode.Created);

        var list = await admin.GetJsonAsync("/api/v1/inventory/low-stock");
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(low, item.Str("productId"));
        Assert.Equal(3m, item.GetProperty("onHand").GetDecimal());
        Assert.Equal(5m, item.GetProperty("reorderLevel").GetDecimal());
        Assert.Equal(2m, item.GetProperty("shortfall").GetDecimal());
        Assert.False(list.GetProperty("truncated").GetBoolean());

        // Back above the level: off the list.
        await (await ReceiveAsync(admin, low, 4)).ExpectAsync(HttpStatusCode.Created);
        Assert.Empty((await admin.GetJsonAsync("/api/v1/inventory/low-stock")).GetProperty("items").EnumerateArray());
        await (await admin.GetAsync("/api/v1/inventory/low-stock?limit=0")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }
}
