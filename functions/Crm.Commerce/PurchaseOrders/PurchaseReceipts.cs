using Crm.Commerce.Inventory;
using Crm.Commerce.SalesDocuments;
using Crm.Commerce.Warehouses;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Commerce.PurchaseOrders;

/// <summary>
/// Goods received against an approved purchase order, in three steps that each survive a crash: the receipt is written
/// onto the order (under its ETag, so two receipts at once never take more than was ordered), each line is posted to the
/// inventory ledger under a key made of the order, the receipt and the product (a second posting changes nothing), and
/// the receipt is marked posted. A receipt left unposted by a crash is finished by the next request to post it or by the
/// <c>purchase-receipts</c> sweep.
/// </summary>
internal sealed class PurchaseReceipts(PurchaseOrderService orders, InventoryLedger ledger, TimeProvider clock)
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/api/v1/purchase-orders/{id}/receipts", ReceivePurchaseOrder).WithTags("Purchase orders")
            .RequirePermission("purchaseorders.receive").WithName("ReceivePurchaseOrder").ChecksIfMatch()
            .WithSummary("Receive goods against an approved purchase order, fully or in part; each line becomes a ledger receipt");

    public static async Task<RecordJson<PurchaseOrder>> ReceivePurchaseOrder(string id, ReceivePurchaseOrder input, PurchaseReceipts receipts,
        PurchaseOrderService orders, WarehouseService warehouses, DocumentActions actions, TimeProvider clock, HttpContext context)
    {
        RequestValidation.Validate(input);
        var caller = context.Caller();
        var receiptId = Ids.New(clock.GetUtcNow());
        var receipt = new PurchaseReceipt(receiptId, clock.GetUtcNow(), caller.UserId, TextNormalizer.Trimmed(input.WarehouseId),
            [.. input.Lines!.Select(l => l with { ProductId = l.ProductId?.Trim() ?? "" })], TextNormalizer.Trimmed(input.Note));
        await actions.RunAsync(context, orders.Store, id, PurchaseOrderActions.Receive, Activities.Received,
            (_, _) => async order =>
            {
                // Goods go where the receipt says, else where the order said; checked now, so a receipt written is one that posts.
                var warehouse = await warehouses.PostableAsync(caller.TenantId, receipt.WarehouseId ?? order.WarehouseId, context.RequestAborted);
                return PurchaseOrderRules.Receive(order, receipt with { WarehouseId = warehouse.Id });
            });
        var posted = await receipts.PostAsync(caller, id, receiptId, context.RequestAborted);
        Preconditions.SetETag(context, posted);
        return new RecordJson<PurchaseOrder>(RecordShape.Of(caller, orders.Store.TableName, posted), StatusCodes.Status201Created);
    }

    /// <summary>Posts an unposted receipt's lines (again, harmlessly, if some already were) and marks it posted.</summary>
    public async Task<PurchaseOrder> PostAsync(Caller caller, string orderId, string receiptId, CancellationToken cancellationToken)
    {
        var order = await orders.Store.GetAsync(caller.TenantId, orderId, cancellationToken);
        if (order.Receipts.FirstOrDefault(r => r.Id == receiptId) is not { Posted: false } receipt)
        {
            return order;
        }
        foreach (var line in receipt.Lines)
        {
            await ledger.PostForDocumentAsync(caller, new LedgerPosting(LedgerKind.Receipt, line.ProductId, line.Quantity,
                $"Purchase order {order.Number}", new SourceDocument(PurchaseOrderService.Kind, order.Id, line.ProductId), IdempotencyKey: receipt.Id,
                WarehouseId: receipt.WarehouseId), cancellationToken);
        }
        return await orders.Store.UpdateAsync(caller.Write(clock).As(Activities.Received), orderId, null, o => ValueTask.FromResult(o with
        {
            Receipts = [.. o.Receipts.Select(r => r.Id == receiptId ? r with { Posted = true } : r)],
        }), cancellationToken: cancellationToken);
    }
}

/// <summary>
/// The safety net of receipts: finds orders with a receipt written but not posted for over a minute (the request that made
/// it died between its steps) and finishes them, as the receipt's own author.
/// </summary>
internal sealed class PurchaseReceiptSweepJob(PurchaseReceipts receipts, PurchaseOrderService orders, TenantStore tenants, TimeProvider clock) : ITimerJob
{
    public const string Name = "purchase-receipts";

    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            var query = new ListQuery { FieldEquals = [new("hasUnpostedReceipt", "true")], Limit = 200 };
            await foreach (var order in orders.Store.ListAllAsync(tenant.Id, query, cancellationToken))
            {
                foreach (var receipt in order.Receipts.Where(r => !r.Posted && clock.GetUtcNow() - r.At > Grace))
                {
                    await receipts.PostAsync(new Caller(tenant.Id, receipt.By, AccessProfile.Nothing, null), order.Id, receipt.Id, cancellationToken);
                }
            }
        }
    }
}
