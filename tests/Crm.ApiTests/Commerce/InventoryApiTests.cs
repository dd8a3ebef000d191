using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Roles;
using Crm.Domain.Access;

namespace Crm.ApiTests.Commerce;

/// <summary>The inventory ledger through HTTP: postings, signs, the insufficient rule, idempotency, counts and concurrency.</summary>
public sealed class InventoryApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Missing = "01aaaaaaaaaaaaaaaaaaaaaaaa";

    private static async Task<string> ProductAsync(HttpClient client, object? extra = null) =>
        (await client.PostJsonAsync("/api/v1/products", extra ?? new { code = "P-" + Api.Stamp(), name = "Widget" }, HttpStatusCode.Created)).Id();

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string productId, string kind, decimal quantity, bool overrideFlag = false, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/inventory/entries")
        {
            Content = JsonContent.Create(new { kind, productId, quantity, reason = "test", @override = overrideFlag }),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return client.SendAsync(request);
    }

    private static async Task<JsonElement> BalanceAsync(HttpClient client, string productId) =>
        await client.GetJsonAsync($"/api/v1/inventory/products/{productId}/balance");

    [Fact]
    public async Task KindsMoveOnHandAndReservedAndTheBalanceIsTheSumOfEntries()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var product = await ProductAsync(admin);

        var receipt = await (await PostAsync(admin, product, "receipt", 10)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(10m, receipt.GetProperty("entry").GetProperty("quantity").GetDecimal());
        await (await PostAsync(admin, product, "shipment", 3)).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(admin, product, "adjustment", -1.5m)).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(admin, product, "reservation", 4)).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(admin, product, "release", 1)).ExpectAsync(HttpStatusCode.Created);

        var response = await admin.GetAsync($"/api/v1/inventory/products/{product}/balance");
        var balance = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("\"5\"", response.Headers.ETag?.Tag);
        Assert.Equal(5.5m, balance.GetProperty("onHand").GetDecimal());
        Assert.Equal(3m, balance.GetProperty("reserved").GetDecimal());
        Assert.Equal(2.5m, balance.GetProperty("available").GetDecimal());
        // Posted to the tenant's default warehouse, made with the tenant.
        var main = Assert.Single((await admin.GetJsonAsync("/api/v1/warehouses?isDefault=true")).Items());
        Assert.Equal("Main warehouse", main.Str("name"));
        var only = Assert.Single(balance.GetProperty("warehouses").EnumerateArray());
        Assert.Equal(main.Str("id"), only.Str("warehouseId"));
        Assert.Equal(5.5m, only.GetProperty("onHand").GetDecimal());

        var page = await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/entries?limit=2");
        Assert.Equal(["release", "reservation"], page.GetProperty("items").EnumerateArray().Select(e => e.Str("kind")));
        var rest = await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/entries?limit=10&cursor={Uri.EscapeDataString(page.Str("nextCursor"))}");
        var all = page.GetProperty("items").EnumerateArray().Concat(rest.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(5, all.Count);
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);
        Assert.Equal(5.5m, all.Where(e => e.Str("kind") is "receipt" or "shipment" or "adjustment").Sum(e => e.GetProperty("quantity").GetDecimal()));
        Assert.Equal(tenant.AdminUserId, all[0].Str("actor"));

        // Entries are append-only: no route changes or deletes one.
        var entryId = receipt.GetProperty("entry").Str("id");
        Assert.True((await admin.DeleteAsync($"/api/v1/inventory/entries/{entryId}")).StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task BadPostingsAreProblemsThatChangeNothing()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var product = await ProductAsync(admin);
        var service = (await admin.PostJsonAsync("/api/v1/services", new { code = "S-" + Api.Stamp(), name = "Install", unit = "hours" }, HttpStatusCode.Created)).Id();

        await (await PostAsync(admin, product, "receipt", 0)).ExpectProblemAsync(HttpStatusCode.BadRequest, "inventory.invalid_quantity");
        await (await PostAsync(admin, product, "receipt", -2)).ExpectProblemAsync(HttpStatusCode.BadRequest, "inventory.invalid_quantity");
        await (await PostAsync(admin, product, "receipt", 1.00001m)).ExpectProblemAsync(HttpStatusCode.BadRequest, "inventory.invalid_quantity");
        await (await PostAsync(admin, Missing, "receipt", 1)).ExpectProblemAsync(HttpStatusCode.BadRequest, "product.not_found");
        await (await PostAsync(admin, service, "receipt", 1)).ExpectProblemAsync(HttpStatusCode.BadRequest, "inventory.not_stocked");
        await (await PostAsync(admin, product, "shipment", 1)).ExpectProblemAsync(HttpStatusCode.Conflict, "inventory.insufficient");
        await (await PostAsync(admin, product, "release", 1)).ExpectProblemAsync(HttpStatusCode.Conflict, "inventory.insufficient");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/v1/inventory/entries", "{\"kind\":\"receipt\",")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/v1/inventory/entries",
            $"{{\"kind\":\"gift\",\"productId\":\"{product}\",\"quantity\":1,\"reason\":\"x\"}}")).StatusCode);
        await (await admin.GetAsync($"/api/v1/inventory/products/{Missing}/balance")).ExpectProblemAsync(HttpStatusCode.NotFound, "product.not_found");

        var balance = await BalanceAsync(admin, product);
        Assert.Equal(0m, balance.GetProperty("onHand").GetDecimal());
        Assert.Empty((await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/entries")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task OnlyOneOfSixteenConcurrentShipmentsOfTheLastUnitWins()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var product = await ProductAsync(admin);
        await (await PostAsync(admin, product, "receipt", 1)).ExpectAsync(HttpStatusCode.Created);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => PostAsync(admin, product, "shipment", 1)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.ExpectProblemAsync(HttpStatusCode.Conflict, "inventory.insufficient");
        }
        Assert.Equal(0m, (await BalanceAsync(admin, product)).GetProperty("onHand").GetDecimal());
        Assert.Equal(2, (await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/entries")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task ARetriedPostingWithTheSameKeyInsertsNothingTwice()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var product = await ProductAsync(admin);
        var key = "receipt-" + Api.Stamp();
        var first = await (await PostAsync(admin, product, "receipt", 7, key: key)).ExpectAsync(HttpStatusCode.Created);
        var again = await PostAsync(admin, product, "receipt", 7, key: key);
        Assert.True(again.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created);
        Assert.Equal(first.GetProperty("entry").Str("id"), (await again.ExpectAsync(again.StatusCode)).GetProperty("entry").Str("id"));
        Assert.Equal(7m, (await BalanceAsync(admin, product)).GetProperty("onHand").GetDecimal());
        Assert.Equal(1, (await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/entries")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task CountsPostTheDifferenceAndGoingNegativeNeedsTheOverride()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var product = await ProductAsync(admin);
        await (await PostAsync(admin, product, "receipt", 10)).ExpectAsync(HttpStatusCode.Created);

        var counted = await admin.PostJsonAsync("/api/v1/inventory/counts", new { productId = product, countedQuantity = 8.25m, reason = "stock take" }, HttpStatusCode.OK);
        Assert.True(counted.GetProperty("adjusted").GetBoolean());
        Assert.Equal(-1.75m, counted.GetProperty("entry").GetProperty("quantity").GetDecimal());
        var same = await admin.PostJsonAsync("/api/v1/inventory/counts", new { productId = product, countedQuantity = 8.25m, reason = "again" }, HttpStatusCode.OK);
        Assert.False(same.GetProperty("adjusted").GetBoolean());
        Assert.Equal(2, (await admin.GetJsonAsync($"/api/v1/inventory/products/{product}/entries")).GetProperty("items").GetArrayLength());
        await (await admin.PostAsJsonAsync("/api/v1/inventory/counts", new { productId = product, countedQuantity = -1, reason = "x" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "inventory.invalid_quantity");

        // A sales manager may post and count but not override; the admin may.
        var (_, _, manager) = await tenant.NewUserWithRolesAsync(await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesManager));
        await (await PostAsync(manager, product, "shipment", 9)).ExpectProblemAsync(HttpStatusCode.Conflict, "inventory.insufficient");
        await (await PostAsync(manager, product, "shipment", 9, overrideFlag: true)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await PostAsync(admin, product, "shipment", 9, overrideFlag: true)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(-0.75m, (await BalanceAsync(manager, product)).GetProperty("onHand").GetDecimal());

        var (_, _, rep) = await tenant.NewUserWithRolesAsync(await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesRep));
        await BalanceAsync(rep, product);
        await (await PostAsync(rep, product, "receipt", 1)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task FallingBelowTheReorderLevelTellsTheManagerOncePerCrossing()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var product = await ProductAsync(admin, new { code = "P-" + Api.Stamp(), name = "Low", reorderLevel = 5, managerId = tenant.AdminUserId });
        await (await PostAsync(admin, product, "receipt", 10)).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(admin, product, "shipment", 6)).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(admin, product, "shipment", 1)).ExpectAsync(HttpStatusCode.Created);
        async Task<int> LowNotices() => (await admin.GetJsonAsync("/api/v1/notifications?limit=100")).GetProperty("items").EnumerateArray()
            .Count(n => n.Str("kind") == "inventory.low_stock");
        Assert.Equal(1, await LowNotices());
        await (await PostAsync(admin, product, "receipt", 10)).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(admin, product, "shipment", 10)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2, await LowNotices());
    }
}
