using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Roles;
using Crm.Domain.Access;

namespace Crm.ApiTests.Commerce;

/// <summary>Warehouses through HTTP: the default one, stock per warehouse and in total, and what a warehouse refuses.</summary>
public sealed class WarehouseApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static async Task<string> ProductAsync(HttpClient client, decimal? reorderLevel = null) =>
        (await client.PostJsonAsync("/api/v1/products", new { code = "W-" + Api.Stamp(), name = "Widget", reorderLevel, cost = 1m }, HttpStatusCode.Created)).Id();

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string productId, string kind, decimal quantity, string? warehouseId = null) =>
        client.PostAsJsonAsync("/api/v1/inventory/entries", new { kind, productId, quantity, reason = "test", warehouseId });

    private static async Task<JsonElement> DefaultAsync(HttpClient client) =>
        Assert.Single((await client.GetJsonAsync("/api/v1/warehouses?isDefault=true")).Items());

    [Fact]
    public async Task EveryTenantHasADefaultWarehouseThatStaysActiveAndIsNeverDeleted()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var main = await DefaultAsync(admin);
        Assert.Equal("Main warehouse", main.Str("name"));
        Assert.True(main.GetProperty("active").GetBoolean());
        var url = $"/api/v1/warehouses/{main.Id()}";

        await (await admin.DeleteAsync(url)).ExpectProblemAsync(HttpStatusCode.Conflict, "warehouse.default");
        await (await admin.PatchJsonAsync(url, new { active = false })).ExpectProblemAsync(HttpStatusCode.Conflict, "warehouse.default");
        var renamed = await (await admin.PatchJsonAsync(url, new { name = "上海总仓", code = "SH" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("上海总仓", renamed.Str("name"));
        Assert.True(renamed.GetProperty("isDefault").GetBoolean());

        // The default flag is the tenant's, never a write's.
        var refused = await (await admin.PostAsJsonAsync("/api/v1/warehouses", new { name = "Beijing", isDefault = true })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("isDefault", refused.ErrorFields());
        await (await admin.PatchJsonAsync(url, new { isDefault = false })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var other = await admin.PostJsonAsync("/api/v1/warehouses", new { name = "Beijing" }, HttpStatusCode.Created);
        Assert.False(other.GetProperty("isDefault").GetBoolean());
        Assert.Equal(main.Id(), (await DefaultAsync(admin)).Id());
        await (await admin.PostAsJsonAsync("/api/v1/warehouses", new { name = "beijing" })).ExpectProblemAsync(HttpStatusCode.Conflict, "warehouse.duplicate_name");
        await (await admin.PostAsJsonAsync("/api/v1/warehouses", new { name = "Shenzhen", code = "sh" })).ExpectProblemAsync(HttpStatusCode.Conflict, "warehouse.duplicate_code");
        Assert.Equal(2, (await admin.GetJsonAsync("/api/v1/warehouses")).Items().Count);
    }

    [Fact]
    public async Task StockIsKeptPerWarehouseAndTotalledAndShipsOnlyFromWhereItIs()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var main = (await DefaultAsync(admin)).Id();
        var north = (await admin.PostJsonAsync("/api/v1/warehouses", new { name = "North" }, HttpStatusCode.Created)).Id();
        var product = await ProductAsync(admin);

        var posted = await (await PostAsync(admin, product, "receipt", 7, north)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(north, posted.GetProperty("entry").Str("warehouseId"));
        Assert.Equal(7m, posted.GetProperty("balance").GetProperty("onHand").GetDecimal());
        Assert.Equal(7m, posted.GetProperty("total").GetProperty("onHand").GetDecimal());
        await (await PostAsync(admin, product, "receipt", 2)).ExpectAsync(HttpStatusCode.Created);

        // Nine in total, but only two in the default warehouse: three cannot ship from there.
        var refused = await (await PostAsync(admin, product, "shipment", 3)).ExpectProblemAsync(HttpStatusCode.Conflict, "inventory.insufficient");
        Assert.Equal(2m, refused.GetProperty("available").GetDecimal());
        await (await PostAsync(admin, product, "shipment", 3, north)).ExpectAsync(HttpStatusCode.Created);

        var response = await admin.GetAsync($"/api/v1/inventory/products/{product}/balance");
        var balance = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("\"3\"", response.Headers.ETag?.Tag);
        Assert.Equal(6m, balance.GetProperty("onHand").GetDecimal());
        var byWarehouse = balance.GetProperty("warehouses").EnumerateArray().ToDictionary(w => w.Str("warehouseId"), w => w.GetProperty("onHand").GetDecimal());
        Assert.Equal(new Dictionary<string, decimal> { [main] = 2m, [north] = 4m }, byWarehouse);

        var northEntries = (await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/entries?warehouseId={north}")).Items().ToList();
        Assert.Equal(["shipment", "receipt"], northEntries.Select(e => e.Str("kind")));
        Assert.Equal(3, (await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/entries")).Items().Count);

        // A count is of one warehouse: counting North at 5 posts +1 there and leaves the default alone.
        var counted = await (await admin.PostAsJsonAsync("/api/v1/inventory/counts", new { productId = product, countedQuantity = 5m, reason = "Count", warehouseId = north }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1m, counted.GetProperty("entry").GetProperty("quantity").GetDecimal());
        Assert.Equal(5m, counted.GetProperty("balance").GetProperty("onHand").GetDecimal());
        Assert.Equal(7m, counted.GetProperty("total").GetProperty("onHand").GetDecimal());

        await (await PostAsync(admin, product, "receipt", 1, "01aaaaaaaaaaaaaaaaaaaaaaaa")).ExpectProblemAsync(HttpStatusCode.BadRequest, "warehouse.not_found");
        await (await PostAsync(admin, product, "receipt", 1, "nowhere")).ExpectProblemAsync(HttpStatusCode.BadRequest, "warehouse.not_found");
    }

    [Fact]
    public async Task LowStockIsJudgedOnTheTotalOfAllWarehouses()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var north = (await admin.PostJsonAsync("/api/v1/warehouses", new { name = "North" }, HttpStatusCode.Created)).Id();
        var product = await ProductAsync(admin, reorderLevel: 5);
        await (await PostAsync(admin, product, "receipt", 3)).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(admin, product, "receipt", 3, north)).ExpectAsync(HttpStatusCode.Created);
        Assert.Empty((await admin.GetJsonAsync("/api/v1/inventory/low-stock")).Items());

        await (await PostAsync(admin, product, "shipment", 2, north)).ExpectAsync(HttpStatusCode.Created);
        var low = Assert.Single((await admin.GetJsonAsync("/api/v1/inventory/low-stock")).Items());
        Assert.Equal(4m, low.GetProperty("onHand").GetDecimal());
        Assert.Equal(1m, low.GetProperty("shortfall").GetDecimal());
    }

    [Fact]
    public async Task AWarehouseHoldingStockStaysAndAnInactiveOneTakesNoPostings()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var north = await admin.PostJsonAsync("/api/v1/warehouses", new { name = "North" }, HttpStatusCode.Created);
        var url = $"/api/v1/warehouses/{north.Id()}";
        var product = await ProductAsync(admin);
        await (await PostAsync(admin, product, "receipt", 2, north.Id())).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(admin, product, "reservation", 1, north.Id())).ExpectAsync(HttpStatusCode.Created);

        await (await admin.DeleteAsync(url)).ExpectProblemAsync(HttpStatusCode.Conflict, "warehouse.has_stock");
        await (await PostAsync(admin, product, "shipment", 1, north.Id())).ExpectAsync(HttpStatusCode.Created);
        // On hand 1, reserved 1: still holding.
        await (await admin.DeleteAsync(url)).ExpectProblemAsync(HttpStatusCode.Conflict, "warehouse.has_stock");

        await (await admin.PatchJsonAsync(url, new { active = false })).ExpectAsync(HttpStatusCode.OK);
        await (await PostAsync(admin, product, "release", 1, north.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "warehouse.inactive");
        await (await admin.PatchJsonAsync(url, new { active = true })).ExpectAsync(HttpStatusCode.OK);
        await (await PostAsync(admin, product, "release", 1, north.Id())).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(admin, product, "shipment", 1, north.Id())).ExpectAsync(HttpStatusCode.Created);

        await (await admin.DeleteAsync(url)).ExpectAsync(HttpStatusCode.NoContent);
        await (await PostAsync(admin, product, "receipt", 1, north.Id())).ExpectProblemAsync(HttpStatusCode.BadRequest, "warehouse.not_found");
        // Its entries stay in the product's ledger.
        Assert.Equal(5, (await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/entries?warehouseId={north.Id()}")).Items().Count);
    }

    [Fact]
    public async Task PurchaseOrdersReceiveIntoTheirWarehouseOrTheOneTheReceiptNames()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var main = (await DefaultAsync(admin)).Id();
        var north = (await admin.PostJsonAsync("/api/v1/warehouses", new { name = "North" }, HttpStatusCode.Created)).Id();
        var closed = (await admin.PostJsonAsync("/api/v1/warehouses", new { name = "Closed", active = false }, HttpStatusCode.Created)).Id();
        var vendor = (await admin.PostJsonAsync("/api/v1/vendors", new { name = "Vendor " + Api.Stamp() }, HttpStatusCode.Created)).Id();
        var product = await ProductAsync(admin);
        object Order(string? warehouseId) => new { name = "Restock", vendorId = vendor, warehouseId, lines = new[] { new { productId = product, quantity = 10m } } };

        await (await admin.PostAsJsonAsync("/api/v1/purchase-orders", Order(closed))).ExpectProblemAsync(HttpStatusCode.Conflict, "warehouse.inactive");
        await (await admin.PostAsJsonAsync("/api/v1/purchase-orders", Order("01aaaaaaaaaaaaaaaaaaaaaaaa"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "warehouse.not_found");
        var unnamed = await admin.PostJsonAsync("/api/v1/purchase-orders", Order(null), HttpStatusCode.Created);
        Assert.Equal(main, unnamed.Str("warehouseId"));

        var order = await admin.PostJsonAsync("/api/v1/purchase-orders", Order(north), HttpStatusCode.Created);
        var url = $"/api/v1/purchase-orders/{order.Id()}";
        await (await admin.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync($"{url}/receipts", new { warehouseId = closed, lines = new[] { new { productId = product, quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "warehouse.inactive");
        var first = await (await admin.PostAsJsonAsync($"{url}/receipts", new { lines = new[] { new { productId = product, quantity = 6m } } }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(north, first.GetProperty("receipts")[0].Str("warehouseId"));
        var second = await (await admin.PostAsJsonAsync($"{url}/receipts", new { warehouseId = main, lines = new[] { new { productId = product, quantity = 4m } } }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(main, second.GetProperty("receipts")[1].Str("warehouseId"));

        var byWarehouse = (await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/balance")).GetProperty("warehouses").EnumerateArray()
            .ToDictionary(w => w.Str("warehouseId"), w => w.GetProperty("onHand").GetDecimal());
        Assert.Equal(new Dictionary<string, decimal> { [main] = 4m, [north] = 6m }, byWarehouse);
    }

    [Fact]
    public async Task SalesRepsSeeWarehousesAndOnlyManagersChangeThem()
    {
        var tenant = await app.NewTenantAsync();
        var (_, _, rep) = await tenant.NewUserWithRolesAsync(await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesRep));
        Assert.Single((await rep.GetJsonAsync("/api/v1/warehouses")).Items());
        await (await rep.PostAsJsonAsync("/api/v1/warehouses", new { name = "Mine" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        var (_, _, manager) = await tenant.NewUserWithRolesAsync(await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesManager));
        await manager.PostJsonAsync("/api/v1/warehouses", new { name = "Ours" }, HttpStatusCode.Created);
    }
}
