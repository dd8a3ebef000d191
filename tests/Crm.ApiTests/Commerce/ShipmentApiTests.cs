using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Roles;
using Crm.ApiTests.Sales;
using Crm.Commerce.Shipments;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Storage.Records;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Commerce;

/// <summary>What shipment tests share: a catalogue with a bundled gift, a customer and an active contract, and stock.</summary>
internal static class ShipmentSetup
{
    /// <summary>A drill (each with 2 bits as a gift), a saw, an install service, and an active contract of 10 drills, 4 saws and 1 install.</summary>
    public sealed record Sale(string CustomerId, string ContractId, string DrillId, string BitsId, string SawId, string InstallId);

    public static async Task<Sale> SaleAsync(HttpClient admin, decimal drills = 10m)
    {
        var bits = await admin.PostJsonAsync("/api/v1/products", new { code = "BIT" + Api.Stamp(), name = "钻头 Bits", listPrice = 5m, unit = "box" }, HttpStatusCode.Created);
        var drill = await admin.PostJsonAsync("/api/v1/products", new
        {
            code = "DRL" + Api.Stamp(), name = "电钻 Drill", listPrice = 199m, taxRate = 13m, giftItems = new[] { new { productId = bits.Id(), quantity = 2m } },
        }, HttpStatusCode.Created);
        var saw = await admin.PostJsonAsync("/api/v1/products", new { code = "SAW" + Api.Stamp(), name = "Saw", listPrice = 10m }, HttpStatusCode.Created);
        var install = await admin.PostJsonAsync("/api/v1/services", new { code = "INS" + Api.Stamp(), name = "Install", listPrice = 50m, unit = "hours" }, HttpStatusCode.Created);
        var customer = await admin.CreateCustomerAsync(SalesSetup.Unique("Buyer"));
        var contract = await ActiveContractAsync(admin, customer.Id(),
            [new { productId = drill.Id(), quantity = drills, unitPrice = 180m }, new { productId = saw.Id(), quantity = 4m }, new { productId = install.Id(), quantity = 1m }]);
        return new Sale(customer.Id(), contract, drill.Id(), bits.Id(), saw.Id(), install.Id());
    }

    public static async Task<string> ActiveContractAsync(HttpClient admin, string customerId, object[] lines, string paymentTerms = "30 days net")
    {
        var contract = await admin.PostJsonAsync("/api/v1/contracts", new { name = "Supply", customerId, lines, paymentTerms }, HttpStatusCode.Created);
        // No contract flow in these tenants: submitting approves at once.
        await (await admin.PostAsync($"/api/v1/contracts/{contract.Id()}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        return contract.Id();
    }

    public static Task<JsonElement> ReceiveAsync(HttpClient admin, string productId, decimal quantity) =>
        admin.PostJsonAsync("/api/v1/inventory/entries", new { kind = "receipt", productId, quantity, reason = "Stock" }, HttpStatusCode.Created);

    public static async Task<decimal> OnHandAsync(HttpClient client, string productId) =>
        (await client.GetJsonAsync($"/api/v1/inventory/products/{productId}/balance")).GetProperty("onHand").GetDecimal();

    public static async Task<IReadOnlyList<JsonElement>> EntriesAsync(HttpClient client, string productId) =>
        (await client.GetJsonAsync($"/api/v1/inventory/products/{productId}/entries")).Items();

    public static IReadOnlyList<(string ProductId, decimal Quantity, bool Gift)> Lines(JsonElement shipment) =>
        [.. shipment.GetProperty("lines").EnumerateArray().Select(l => (l.Str("productId"), l.GetProperty("quantity").GetDecimal(), l.GetProperty("gift").GetBoolean()))];
}

/// <summary>Shipments through HTTP: from a contract's remaining quantities with gifts, standalone, shipped into the ledger, and what they refuse.</summary>
public sealed class ShipmentApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Missing = "01aaaaaaaaaaaaaaaaaaaaaaaa";

    [Fact]
    public async Task AShipmentFromAContractTakesWhatRemainsWithGiftsAndNeverMoreThanRemains()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin);
        var draft = await admin.PostJsonAsync("/api/v1/contracts", new { name = "Draft", customerId = s.CustomerId, lines = new[] { new { productId = s.DrillId, quantity = 1m } } },
            HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { contractId = draft.Id() })).ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.contract_not_active");
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { contractId = Missing })).ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.contract_not_found");
        var other = await admin.CreateCustomerAsync(SalesSetup.Unique("Other"));
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, customerId = other.Id() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.customer_mismatch");

        // Everything that remains, the service left out, each drill with its two bits.
        var all = await admin.PostJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, carrier = "SF Express" }, HttpStatusCode.Created);
        Assert.Matches(new Regex(@"^FH-\d{6}-0001$"), all.Str("number"));
        Assert.Equal(("packed", s.CustomerId, "30 days net", "SF Express"), (all.Str("status"), all.Str("customerId"), all.Str("paymentTerm"), all.Str("carrier")));
        Assert.Equal([(s.DrillId, 10m, false), (s.BitsId, 20m, true), (s.SawId, 4m, false)], ShipmentSetup.Lines(all));
        var gift = all.GetProperty("lines")[1];
        Assert.Equal(("1", 0m), (gift.Str("giftOf"), gift.GetProperty("unitPrice").GetDecimal()));
        Assert.Equal(180m, all.GetProperty("lines")[0].GetProperty("unitPrice").GetDecimal());
        Assert.Equal(tenant.AdminUserId, all.Str("ownerId"));

        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { contractId = s.ContractId })).ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.nothing_remaining");
        var over = await (await admin.PostAsJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, lines = new[] { new { productId = s.DrillId, quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.over_remaining");
        Assert.Equal(0m, over.GetProperty("remaining").GetDecimal());

        // Cancelled, its quantities remain again.
        await (await admin.PostAsJsonAsync($"/api/v1/shipments/{all.Id()}/cancel", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.reason_required");
        var cancelled = await admin.PostJsonAsync($"/api/v1/shipments/{all.Id()}/cancel", new { reason = "Customer asked to split it" }, HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Str("status"));
        await (await admin.PatchJsonAsync($"/api/v1/shipments/{all.Id()}", new { carrier = "EMS" })).ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.not_editable");
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, lines = new[] { new { productId = s.DrillId, quantity = 10.5m } } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.over_remaining");
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, lines = new[] { new { productId = s.InstallId, quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.service_line");
        var elsewhere = await admin.PostJsonAsync("/api/v1/products", new { code = "X" + Api.Stamp(), name = "Not sold" }, HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, lines = new[] { new { productId = elsewhere.Id(), quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.not_on_contract");

        var part = await admin.PostJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, lines = new[] { new { productId = s.DrillId, quantity = 4m } } },
            HttpStatusCode.Created);
        Assert.Equal([(s.DrillId, 4m, false), (s.BitsId, 8m, true)], ShipmentSetup.Lines(part));
        // A patch of the lines counts the contract's other shipments, not this one's old lines.
        var patched = await (await admin.PatchJsonAsync($"/api/v1/shipments/{part.Id()}", new { lines = new[] { new { productId = s.DrillId, quantity = 10m } } }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([(s.DrillId, 10m, false), (s.BitsId, 20m, true)], ShipmentSetup.Lines(patched));
        await (await admin.PatchJsonAsync($"/api/v1/shipments/{part.Id()}", new { status = "shipped" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.field_by_action");
        await (await admin.PatchJsonAsync($"/api/v1/shipments/{part.Id()}", new { contractId = draft.Id() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.contract_fixed");
        var listed = await admin.GetJsonAsync($"/api/v1/shipments?contractId={s.ContractId}&status=packed");
        Assert.Equal([part.Id()], listed.Ids());
    }

    [Fact]
    public async Task ShippingPostsEveryLineGiftsIncludedOnceAndRefusesWhatStockCannotCover()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin);
        var shipment = await admin.PostJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, lines = new[] { new { productId = s.DrillId, quantity = 4m } } },
            HttpStatusCode.Created);
        var url = $"/api/v1/shipments/{shipment.Id()}";
        await ShipmentSetup.ReceiveAsync(admin, s.DrillId, 10m);
        await ShipmentSetup.ReceiveAsync(admin, s.BitsId, 5m);

        // The drills could go, the 8 bits cannot: nothing leaves, the drills' entry is given back by a counter-entry.
        var refused = await (await admin.PostAsJsonAsync($"{url}/ship", new { carrier = "SF", trackingNumber = "SF123" })).ExpectProblemAsync(HttpStatusCode.Conflict, "inventory.insufficient");
        Assert.Equal((s.BitsId, 5m), (refused.Str("productId"), refused.GetProperty("available").GetDecimal()));
        Assert.Equal(10m, await ShipmentSetup.OnHandAsync(admin, s.DrillId));
        Assert.Equal(5m, await ShipmentSetup.OnHandAsync(admin, s.BitsId));
        var drillEntries = await ShipmentSetup.EntriesAsync(admin, s.DrillId);
        Assert.Equal(["receipt", "shipment", "receipt"], drillEntries.Reverse().Select(e => e.Str("kind")));
        Assert.Equal(drillEntries[1].Id(), drillEntries[0].Str("correctsEntryId"));
        var still = await admin.GetJsonAsync(url);
        Assert.Equal("packed", still.Str("status"));
        Assert.Equal(JsonValueKind.Null, still.GetProperty("dispatch").ValueKind);

        await ShipmentSetup.ReceiveAsync(admin, s.BitsId, 3m);
        var shipped = await admin.PostJsonAsync($"{url}/ship", new { carrier = "SF", trackingNumber = "SF123" }, HttpStatusCode.OK);
        Assert.Equal(("shipped", "SF", "SF123", false), (shipped.Str("status"), shipped.Str("carrier"), shipped.Str("trackingNumber"), shipped.GetProperty("overridden").GetBoolean()));
        Assert.Equal(6m, await ShipmentSetup.OnHandAsync(admin, s.DrillId));
        Assert.Equal(0m, await ShipmentSetup.OnHandAsync(admin, s.BitsId));
        var bitsOut = (await ShipmentSetup.EntriesAsync(admin, s.BitsId))[0];
        Assert.Equal(("shipment", -8m), (bitsOut.Str("kind"), bitsOut.GetProperty("quantity").GetDecimal()));
        Assert.Equal(("shipment", shipment.Id(), "2"), (bitsOut.GetProperty("sourceDocument").Str("type"), bitsOut.GetProperty("sourceDocument").Str("id"),
            bitsOut.GetProperty("sourceDocument").Str("line")));

        await (await admin.PostAsJsonAsync($"{url}/ship", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.status_invalid");
        await (await admin.PostAsJsonAsync($"{url}/cancel", new { reason = "Late" })).ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.status_invalid");
        await (await admin.PatchJsonAsync(url, new { carrier = "EMS" })).ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.not_editable");
        await (await admin.DeleteAsync(url)).ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.not_deletable");
        await (await admin.PostAsJsonAsync($"{url}/deliver", new { note = "x" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var delivered = await (await admin.PostAsync($"{url}/deliver", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["packed", "shipped", "delivered"], delivered.GetProperty("statusHistory").EnumerateArray().Select(h => h.Str("to")));
        Assert.Equal(6m, await ShipmentSetup.OnHandAsync(admin, s.DrillId));
    }

    [Fact]
    public async Task AStandaloneShipmentNamesItsCustomerAndGoesBelowZeroOnlyWithTheOverride()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin);
        var north = await admin.PostJsonAsync("/api/v1/warehouses", new { name = "North" }, HttpStatusCode.Created);
        var lines = new[] { new { productId = s.SawId, quantity = 3m } };
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { lines })).ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.customer_required");
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { customerId = Missing, lines })).ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.customer_not_found");
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { customerId = s.CustomerId, lines = Array.Empty<object>() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { customerId = s.CustomerId, lines = new[] { new { productId = s.SawId, quantity = 0m } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { customerId = s.CustomerId, lines, colour = "red" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync("/api/v1/shipments", new { customerId = s.CustomerId, lines, warehouseId = Missing }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "warehouse.not_found");

        var shipment = await admin.PostJsonAsync("/api/v1/shipments", new { customerId = s.CustomerId, warehouseId = north.Id(), address = "上海市 浦东新区 1 号", lines },
            HttpStatusCode.Created);
        Assert.Equal((north.Id(), 10m), (shipment.Str("warehouseId"), shipment.GetProperty("lines")[0].GetProperty("unitPrice").GetDecimal()));
        var url = $"/api/v1/shipments/{shipment.Id()}";
        await (await admin.PostAsJsonAsync($"{url}/ship", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "inventory.insufficient");

        // A sales manager ships but may not override the stock rule.
        var (_, _, manager) = await tenant.NewUserWithRolesAsync(await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesManager));
        var mine = await manager.CreateCustomerAsync(SalesSetup.Unique("Manager's"));
        var theirs = await manager.PostJsonAsync("/api/v1/shipments", new { customerId = mine.Id(), lines }, HttpStatusCode.Created);
        await (await manager.PostAsJsonAsync($"/api/v1/shipments/{theirs.Id()}/ship", new { allowNegative = true })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await manager.PostAsJsonAsync($"/api/v1/shipments/{theirs.Id()}/ship", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "inventory.insufficient");

        var forced = await admin.PostJsonAsync($"{url}/ship", new { allowNegative = true }, HttpStatusCode.OK);
        Assert.True(forced.GetProperty("overridden").GetBoolean());
        var balance = await admin.GetJsonAsync($"/api/v1/inventory/products/{s.SawId}/balance");
        Assert.Equal(-3m, balance.GetProperty("warehouses").EnumerateArray().Single(w => w.Str("warehouseId") == north.Id()).GetProperty("onHand").GetDecimal());
        Assert.True((await ShipmentSetup.EntriesAsync(admin, s.SawId))[0].GetProperty("override").GetBoolean());
    }

    [Fact]
    public async Task SalesRepsSeeTheirShipmentsAndOnlyManagersShipThem()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin);
        var shipment = await admin.PostJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, lines = new[] { new { productId = s.SawId, quantity = 1m } } },
            HttpStatusCode.Created);
        var (repId, _, rep) = await tenant.NewUserWithRolesAsync(await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesRep));
        // The admin's shipment is outside the rep's data scope: it answers as unknown.
        await (await rep.GetAsync($"/api/v1/shipments/{shipment.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "shipment.not_found");
        await (await rep.PostAsJsonAsync("/api/v1/shipments", new { customerId = s.CustomerId, lines = new[] { new { productId = s.SawId, quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        // One the rep owns they see, but only a manager ships it.
        var theirs = await admin.PostJsonAsync("/api/v1/shipments", new { customerId = s.CustomerId, ownerId = repId, lines = new[] { new { productId = s.SawId, quantity = 1m } } },
            HttpStatusCode.Created);
        Assert.Equal([theirs.Id()], (await rep.GetJsonAsync("/api/v1/shipments")).Ids());
        await (await rep.PostAsJsonAsync($"/api/v1/shipments/{theirs.Id()}/ship", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.PostAsJsonAsync($"/api/v1/shipments/{theirs.Id()}/cancel", new { reason = "Mine" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task AShipInterruptedHalfWayIsFinishedOnceByRetriesAndTheSweep()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin);
        var shipment = await admin.PostJsonAsync("/api/v1/shipments", new { contractId = s.ContractId, lines = new[] { new { productId = s.DrillId, quantity = 2m } } },
            HttpStatusCode.Created);
        await ShipmentSetup.ReceiveAsync(admin, s.DrillId, 5m);
        await ShipmentSetup.ReceiveAsync(admin, s.BitsId, 5m);
        // A request that wrote its dispatch and posted the first line, then died.
        var store = app.Service<RecordStore<Shipment>>();
        var write = new WriteContext(tenant.Id, tenant.AdminUserId, "127.0.0.1", DateTimeOffset.UtcNow);
        var dispatch = new ShipmentDispatch(1, DateTimeOffset.UtcNow.AddMinutes(-5), tenant.AdminUserId, false);
        await store.UpdateAsync(write, shipment.Id(), null, x => ValueTask.FromResult(x with { Attempts = 1, Dispatch = dispatch }));
        var ledger = app.Service<Crm.Commerce.Inventory.InventoryLedger>();
        var caller = new Crm.Platform.Web.Caller(tenant.Id, tenant.AdminUserId, AccessProfile.Nothing, null);
        await ledger.PostForDocumentAsync(caller, new(LedgerKind.Shipment, s.DrillId, 2m, "Shipment", new SourceDocument("shipment", shipment.Id(), "1"), "ship~1"), default);
        var pending = await admin.GetJsonAsync($"/api/v1/shipments/{shipment.Id()}");
        Assert.True(pending.GetProperty("hasPendingDispatch").GetBoolean());
        await (await admin.PostAsJsonAsync($"/api/v1/shipments/{shipment.Id()}/ship", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.dispatch_pending");
        await (await admin.PostAsJsonAsync($"/api/v1/shipments/{shipment.Id()}/cancel", new { reason = "x" })).ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.dispatch_pending");

        // Two finishers at once (a retry racing the sweep), then the sweep twice more.
        var dispatches = app.Service<ShipmentDispatches>();
        await Task.WhenAll(dispatches.FinishAsync(tenant.Id, shipment.Id(), default), dispatches.FinishAsync(tenant.Id, shipment.Id(), default));
        var job = ActivatorUtilities.CreateInstance<ShipmentDispatchSweepJob>(app.Services);
        var context = new Crm.Storage.Triggers.TimerJobContext(ShipmentDispatchSweepJob.Name, DateTimeOffset.UtcNow, null, false);
        await job.RunAsync(context, CancellationToken.None);
        await job.RunAsync(context, CancellationToken.None);

        var done = await admin.GetJsonAsync($"/api/v1/shipments/{shipment.Id()}");
        Assert.Equal(("shipped", false), (done.Str("status"), done.GetProperty("hasPendingDispatch").GetBoolean()));
        Assert.Single(done.GetProperty("statusHistory").EnumerateArray(), h => h.Str("to") == "shipped");
        Assert.Equal(3m, await ShipmentSetup.OnHandAsync(admin, s.DrillId));
        Assert.Equal(1m, await ShipmentSetup.OnHandAsync(admin, s.BitsId));
        Assert.Equal(2, (await ShipmentSetup.EntriesAsync(admin, s.DrillId)).Count);
        Assert.Equal(2, (await ShipmentSetup.EntriesAsync(admin, s.BitsId)).Count);
    }
}
