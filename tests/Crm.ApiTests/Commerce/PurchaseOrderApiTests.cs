using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Commerce;

/// <summary>Purchase orders through HTTP: lines at cost, numbering, the approval way, payment, and what they refuse.</summary>
public sealed class PurchaseOrderApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Missing = "01aaaaaaaaaaaaaaaaaaaaaaaa";

    [Fact]
    public async Task APurchaseOrderIsPricedAtCostAndGoesThroughApprovalBeforeGoodsArrive()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var vendor = await admin.PostJsonAsync("/api/v1/vendors", new { name = "Acme Supply" }, HttpStatusCode.Created);
        var bolt = await admin.PostJsonAsync("/api/v1/products", new { code = "BOLT", name = "螺栓 Bolt", listPrice = 1m, cost = 0.333m, taxRate = 13m }, HttpStatusCode.Created);
        var nut = await admin.PostJsonAsync("/api/v1/products", new { code = "NUT", name = "Nut", listPrice = 1m, onShelf = false }, HttpStatusCode.Created);
        var service = await admin.PostJsonAsync("/api/v1/services", new { code = "SVC", name = "Install", unit = "hours" }, HttpStatusCode.Created);

        async Task Bad(object body, HttpStatusCode status, string code, string? field = null)
        {
            var problem = await (await admin.PostAsJsonAsync("/api/v1/purchase-orders", body)).ExpectProblemAsync(status, code);
            if (field is not null)
            {
                Assert.Contains(field, problem.ErrorFields());
            }
        }
        await Bad(new { name = "PO", vendorId = Missing }, HttpStatusCode.BadRequest, "vendor.not_found", "vendorId");
        await Bad(new { name = "PO", vendorId = vendor.Id(), requesterId = Missing }, HttpStatusCode.BadRequest, "purchaseOrder.user_not_found", "requesterId");
        await Bad(new { name = "PO", vendorId = vendor.Id(), lines = new[] { new { productId = service.Id(), quantity = 1m, unitPrice = 1m } } },
            HttpStatusCode.BadRequest, "purchaseOrder.service_line", "lines[0].productId");
        await Bad(new { name = "PO", vendorId = vendor.Id(), lines = new[] { new { productId = nut.Id(), quantity = 1m } } },
            HttpStatusCode.BadRequest, "line.price_missing", "lines[0].unitPrice");
        await Bad(new { name = "PO", vendorId = vendor.Id(), lines = new[] { new { productId = bolt.Id(), quantity = 1m }, new { productId = bolt.Id(), quantity = 2m } } },
            HttpStatusCode.BadRequest, "purchaseOrder.duplicate_line", "lines[1].productId");
        Assert.Empty((await admin.GetJsonAsync("/api/v1/purchase-orders")).Items());

        // An off-shelf product can still be bought; the bolt is at cost, rounded per line: 1000 × 0.333 = 333.00, tax 43.29.
        var order = await admin.PostJsonAsync("/api/v1/purchase-orders", new
        {
            name = "Restock", vendorId = vendor.Id(),
            lines = new object[] { new { productId = bolt.Id(), quantity = 1000m }, new { productId = nut.Id(), quantity = 500m, unitPrice = 0.1m } },
        }, HttpStatusCode.Created);
        Assert.Matches(new Regex(@"^PO-\d{6}-0001$"), order.Str("number"));
        Assert.Equal(tenant.AdminUserId, order.Str("requesterId"));
        Assert.Equal("draft", order.Str("status"));
        Assert.Equal(333m, order.GetProperty("lines")[0].GetProperty("net").GetDecimal());
        Assert.Equal(43.29m, order.GetProperty("lines")[0].GetProperty("tax").GetDecimal());
        Assert.Equal(383m + 43.29m, order.GetProperty("totals").GetProperty("gross").GetDecimal());
        var url = $"/api/v1/purchase-orders/{order.Id()}";

        await (await admin.PatchJsonAsync(url, new { status = "approved" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "purchaseOrder.field_by_action");
        await (await admin.PostAsync($"{url}/pay", JsonContent.Create(new { paidOn = "2026-12-01" }))).ExpectProblemAsync(HttpStatusCode.Conflict, "purchaseOrder.status_invalid");
        var (clerkId, clerk) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["purchaseorders.view", "purchaseorders.edit"]));
        var (_, buyer) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["purchaseorders.view"]));
        await admin.PostJsonAsync("/api/v1/approval-flows", new
        {
            name = "Purchasing", documentType = "purchaseOrder", steps = new[] { new { name = "Admin", approvers = new { kind = "users", userIds = new[] { tenant.AdminUserId } } } },
        }, HttpStatusCode.Created);
        await (await buyer.PostAsync($"{url}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        Assert.Equal("pending", (await (await clerk.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK)).Str("outcome"));
        Assert.Equal("submitted", (await admin.GetJsonAsync(url)).Str("status"));
        await (await admin.PatchJsonAsync(url, new { name = "Changed" })).ExpectProblemAsync(HttpStatusCode.Conflict, "purchaseOrder.not_editable");
        await (await admin.PostAsJsonAsync($"{url}/cancel", new { reason = "Late" })).ExpectProblemAsync(HttpStatusCode.Conflict, "purchaseOrder.status_invalid");
        await (await admin.PostAsJsonAsync($"{url}/approval/reject", new { comment = "Wrong vendor" })).ExpectAsync(HttpStatusCode.OK);
        var returned = await admin.GetJsonAsync(url);
        Assert.Equal("draft", returned.Str("status"));
        Assert.Equal("Wrong vendor", returned.GetProperty("statusHistory").EnumerateArray().Last().Str("reason"));
        await (await clerk.PostAsync($"{url}/approval/resubmit", null)).ExpectAsync(HttpStatusCode.OK);
        await (await clerk.PostAsync($"{url}/approval/approve", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "approval.not_approver");
        await (await admin.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
        var approved = await admin.GetJsonAsync(url);
        Assert.Equal("approved", approved.Str("status"));
        Assert.Equal(clerkId, (await admin.GetJsonAsync($"{url}/approval")).Items()[0].Str("submitterId"));
        await (await admin.PostAsJsonAsync($"{url}/cancel", new { reason = "Late" })).ExpectProblemAsync(HttpStatusCode.Conflict, "purchaseOrder.status_invalid");
        Assert.Equal(["draft", "submitted", "draft", "submitted", "approved"],
            approved.GetProperty("statusHistory").EnumerateArray().Select(h => h.Str("to")));

        // A vendor with orders stays; a draft order is cancelled with a reason.
        await (await admin.DeleteAsync($"/api/v1/vendors/{vendor.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "vendor.has_purchase_orders");
        var other = await admin.PostJsonAsync("/api/v1/purchase-orders", new { name = "Spare", vendorId = vendor.Id() }, HttpStatusCode.Created);
        Assert.EndsWith("-0002", other.Str("number"));
        var cancelled = await (await admin.PostAsJsonAsync($"/api/v1/purchase-orders/{other.Id()}/cancel", new { reason = "Not needed" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Str("status"));
        Assert.Equal("Not needed", cancelled.GetProperty("statusHistory").EnumerateArray().Last().Str("reason"));
        await (await admin.PostAsync($"/api/v1/purchase-orders/{other.Id()}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "purchaseOrder.status_invalid");
    }
}

/// <summary>Receipts against a purchase order: each line a ledger receipt, never more than ordered, finished after a crash.</summary>
public sealed class PurchaseReceiptApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static async Task<(string OrderId, string BoltId, string NutId)> ApprovedOrderAsync(HttpClient admin)
    {
        var vendor = await admin.PostJsonAsync("/api/v1/vendors", new { name = "Vendor " + Api.Stamp() }, HttpStatusCode.Created);
        var bolt = await admin.PostJsonAsync("/api/v1/products", new { code = "B" + Api.Stamp(), name = "Bolt", cost = 0.5m }, HttpStatusCode.Created);
        var nut = await admin.PostJsonAsync("/api/v1/products", new { code = "N" + Api.Stamp(), name = "Nut", cost = 0.1m }, HttpStatusCode.Created);
        var order = await admin.PostJsonAsync("/api/v1/purchase-orders", new
        {
            name = "Restock", vendorId = vendor.Id(),
            lines = new object[] { new { productId = bolt.Id(), quantity = 100m }, new { productId = nut.Id(), quantity = 50m } },
        }, HttpStatusCode.Created);
        // No purchase-order flow: submitting approves at once.
        await (await admin.PostAsync($"/api/v1/purchase-orders/{order.Id()}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        return (order.Id(), bolt.Id(), nut.Id());
    }

    private static async Task<decimal> OnHandAsync(HttpClient client, string productId) =>
        (await client.GetJsonAsync($"/api/v1/inventory/products/{productId}/balance")).GetProperty("onHand").GetDecimal();

    [Fact]
    public async Task ReceiptsPostLedgerEntriesUpToWhatWasOrderedThenTheOrderIsPaid()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var (orderId, bolt, nut) = await ApprovedOrderAsync(admin);
        var url = $"/api/v1/purchase-orders/{orderId}";

        await (await admin.PostAsJsonAsync($"{url}/receipts", new { lines = new[] { new { productId = bolt, quantity = 101m } } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "purchaseOrder.over_received");
        await (await admin.PostAsJsonAsync($"{url}/receipts", new { lines = new[] { new { productId = "01aaaaaaaaaaaaaaaaaaaaaaaa", quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync($"{url}/receipts", new { lines = new[] { new { productId = bolt, quantity = 0m } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync($"{url}/receipts", new { warehouseId = "elsewhere", lines = new[] { new { productId = bolt, quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "warehouse.not_found");
        Assert.Equal(0m, await OnHandAsync(admin, bolt));

        var partial = await (await admin.PostAsJsonAsync($"{url}/receipts", new { lines = new[] { new { productId = bolt, quantity = 60m } }, note = "First truck" }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("partiallyReceived", partial.Str("status"));
        Assert.True(partial.GetProperty("receipts")[0].GetProperty("posted").GetBoolean());
        Assert.Equal(60m, await OnHandAsync(admin, bolt));
        var entry = (await admin.GetJsonAsync($"/api/v1/inventory/products/{bolt}/entries")).Items().Single();
        Assert.Equal("receipt", entry.Str("kind"));
        Assert.Equal(orderId, entry.GetProperty("sourceDocument").Str("id"));

        // Two receipts of the rest at once: exactly one fits.
        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            admin.PostAsJsonAsync($"{url}/receipts", new { lines = new object[] { new { productId = bolt, quantity = 40m }, new { productId = nut, quantity = 50m } } })));
        Assert.Single(racing, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(3, racing.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(100m, await OnHandAsync(admin, bolt));
        Assert.Equal(50m, await OnHandAsync(admin, nut));
        var received = await admin.GetJsonAsync(url);
        Assert.Equal("received", received.Str("status"));
        await (await admin.PostAsJsonAsync($"{url}/receipts", new { lines = new[] { new { productId = nut, quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "purchaseOrder.not_receivable");

        var paid = await (await admin.PostAsJsonAsync($"{url}/pay", new { paidOn = "2026-12-06", reference = "Bank 778" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("paid", paid.Str("status"));
        Assert.Equal("Bank 778", paid.GetProperty("payment").Str("reference"));
    }

    [Fact]
    public async Task AReceiptWrittenButNotPostedIsFinishedByTheSweepExactlyOnce()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var (orderId, bolt, _) = await ApprovedOrderAsync(admin);
        // The first step of a receipt, as a request that died right after it leaves it.
        var store = app.Service<Crm.Storage.Records.RecordStore<Crm.Domain.Commerce.PurchaseOrder>>();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var receipt = new Crm.Domain.Commerce.PurchaseReceipt("01m9receipt00000000000000a", at, tenant.AdminUserId, null, [new(bolt, 30m)], null);
        await store.UpdateAsync(new Crm.Storage.Records.WriteContext(tenant.Id, tenant.AdminUserId, "127.0.0.1", DateTimeOffset.UtcNow), orderId, null,
            o => ValueTask.FromResult(Crm.Domain.Commerce.PurchaseOrderRules.Receive(o, receipt)));
        Assert.Equal(0m, await OnHandAsync(admin, bolt));

        var job = ActivatorUtilities.CreateInstance<Crm.Commerce.PurchaseOrders.PurchaseReceiptSweepJob>(app.Services);
        var context = new Crm.Storage.Triggers.TimerJobContext(Crm.Commerce.PurchaseOrders.PurchaseReceiptSweepJob.Name, DateTimeOffset.UtcNow, null, false);
        await job.RunAsync(context, CancellationToken.None);
        await job.RunAsync(context, CancellationToken.None);
        Assert.Equal(30m, await OnHandAsync(admin, bolt));
        var order = await admin.GetJsonAsync($"/api/v1/purchase-orders/{orderId}");
        Assert.True(order.GetProperty("receipts")[0].GetProperty("posted").GetBoolean());
        Assert.False(order.GetProperty("hasUnpostedReceipt").GetBoolean());
        Assert.Single((await admin.GetJsonAsync($"/api/v1/inventory/products/{bolt}/entries")).Items());
    }
}
