using Crm.Commerce.Warehouses;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Notifications;
using Crm.Platform.Web;
using Crm.Storage.Inventory;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Commerce.Inventory;

/// <summary>
/// A posting to the ledger. <see cref="IdempotencyKey"/> (with the source document) makes a repeat insert nothing and
/// answer the original entry, so background work (purchase-order receipts, shipments) may post again after a crash.
/// A null <c>WarehouseId</c> posts to the tenant's default warehouse.
/// </summary>
internal sealed record LedgerPosting(LedgerKind Kind, string ProductId, decimal Quantity, string Reason, SourceDocument? SourceDocument = null,
    string? IdempotencyKey = null, bool Override = false, string? CorrectsEntryId = null, string? WarehouseId = null);

/// <summary>What a posting did: the entry (the original on a repeat), the stock after it, and whether it was new.</summary>
internal sealed record PostedEntry(LedgerEntry Entry, ProductStock Stock, bool Created);

/// <summary>
/// The inventory ledger as other features use it: posts entries (only to products, never services) and reads
/// balances, per warehouse and in total.
/// </summary>
internal sealed class InventoryLedger(LedgerStore store, RecordStore<Product> products, RecordStore<ServiceItem> services, WarehouseService warehouses,
    INotifier notifier, TimeProvider clock)
{
    public Task<PostedEntry> PostAsync(Caller caller, LedgerPosting posting, CancellationToken cancellationToken)
    {
        caller.Require("inventory.post");
        return AppendAsync(caller, posting, cancellationToken);
    }

    /// <summary>
    /// A posting made by a document action that has checked its own right (a purchase-order receipt needs
    /// <c>purchaseorders.receive</c>, not <c>inventory.post</c>), or by background work finishing one.
    /// </summary>
    public Task<PostedEntry> PostForDocumentAsync(Caller caller, LedgerPosting posting, CancellationToken cancellationToken) =>
        AppendAsync(caller, posting, cancellationToken);

    private async Task<PostedEntry> AppendAsync(Caller caller, LedgerPosting posting, CancellationToken cancellationToken)
    {
        if (posting.Override)
        {
            caller.Require("inventory.override");
        }
        var change = InventoryRules.SignedQuantity(posting.Kind, posting.Quantity);
        var product = await StockedProductAsync(caller.TenantId, posting.ProductId, cancellationToken);
        var warehouse = await warehouses.PostableAsync(caller.TenantId, posting.WarehouseId, cancellationToken);
        var key = posting.IdempotencyKey is null ? null
            : posting.SourceDocument is { } d ? $"{d.Type}/{d.Id}/{d.Line}/{posting.IdempotencyKey}" : posting.IdempotencyKey;
        var appended = await store.AppendAsync(caller.TenantId, product.Id, warehouse.Id, key, stock =>
        {
            var next = InventoryRules.Post(stock, posting.Kind, change, posting.Override, product.ReorderLevel);
            var entry = new LedgerEntry
            {
                Id = Ids.New(clock.GetUtcNow()),
                ProductId = product.Id,
                WarehouseId = warehouse.Id,
                Kind = posting.Kind,
                Quantity = change,
                Reason = posting.Reason,
                SourceDocument = posting.SourceDocument,
                CorrectsEntryId = posting.CorrectsEntryId,
                Override = posting.Override,
                Actor = caller.UserId,
                PostedAt = clock.GetUtcNow(),
                CrossedLow = next.Total.Low && !stock.Total.Low,
            };
            return (entry, next);
        }, cancellationToken);
        if (appended.Entry.CrossedLow)
        {
            await NotifyLowAsync(caller.TenantId, product, appended.Entry, appended.Stock.Total, cancellationToken);
        }
        return new PostedEntry(appended.Entry, appended.Stock, appended.Created);
    }

    /// <summary>Posts the adjustment that brings the warehouse's on hand to the counted quantity; nothing when they are equal.</summary>
    public async Task<(PostedEntry? Posted, ProductStock Stock)> CountAsync(Caller caller, string productId, string? warehouseId, decimal counted, string reason,
        bool overrideFlag, string? idempotencyKey, CancellationToken cancellationToken)
    {
        caller.Require("inventory.count");
        InventoryRules.EnsureCounted(counted);
        var product = await StockedProductAsync(caller.TenantId, productId, cancellationToken);
        var warehouse = await warehouses.PostableAsync(caller.TenantId, warehouseId, cancellationToken);
        var stock = await store.ReadAsync(caller.TenantId, product.Id, warehouse.Id, cancellationToken);
        var balance = stock.Warehouse;
        var difference = counted - balance.OnHand;
        if (difference == 0)
        {
            return (null, stock);
        }
        // The source names the warehouse and the balance counted against, so a repeated count with the same key posts nothing twice.
        var posted = await AppendAsync(caller, new LedgerPosting(LedgerKind.Adjustment, product.Id, difference, reason,
            new SourceDocument("stockCount", $"{warehouse.Id}/{balance.Entries}"), idempotencyKey, overrideFlag, WarehouseId: warehouse.Id), cancellationToken);
        return (posted, posted.Stock);
    }

    /// <summary>A product's total and its balance in each warehouse it has had stock in.</summary>
    public async Task<(StockBalance Total, IReadOnlyList<StockBalance> Warehouses)> BalancesAsync(Caller caller, string productId, CancellationToken cancellationToken)
    {
        caller.Require("inventory.view");
        var product = await products.FindAsync(caller.TenantId, productId, cancellationToken) ?? throw new NotFoundException("product", productId);
        return await store.BalancesAsync(caller.TenantId, product.Id, cancellationToken);
    }

    public async Task<(IReadOnlyList<LedgerEntry> Items, string? Next)> EntriesAsync(Caller caller, string productId, string? warehouseId, int limit, string? cursor,
        CancellationToken cancellationToken)
    {
        caller.Require("inventory.view");
        var product = await products.FindAsync(caller.TenantId, productId, cancellationToken) ?? throw new NotFoundException("product", productId);
        return await store.EntriesAsync(caller.TenantId, product.Id, TextNormalizer.Trimmed(warehouseId), limit, cursor, cancellationToken);
    }

    /// <summary>
    /// Products whose stock in all warehouses together is below their reorder level, read from the totals' low flag (set by each entry), not from the entries.
    /// A product whose level changed since its last entry shows its new level and drops out if no longer below it.
    /// </summary>
    public async Task<(IReadOnlyList<LowStockItem> Items, bool Truncated)> LowStockAsync(Caller caller, int limit, CancellationToken cancellationToken)
    {
        caller.Require("inventory.view");
        var low = await store.LowAsync(caller.TenantId, limit + 1, cancellationToken);
        var items = new List<LowStockItem>();
        foreach (var balance in low.Take(limit))
        {
            if (await products.FindAsync(caller.TenantId, balance.ProductId, cancellationToken) is { ReorderLevel: { } level } product && balance.OnHand < level)
            {
                items.Add(new LowStockItem(product.Id, product.Code, product.Name, balance.OnHand, level, level - balance.OnHand));
            }
        }
        return (items, low.Count > limit);
    }

    private async Task<Product> StockedProductAsync(string tenantId, string productId, CancellationToken cancellationToken)
    {
        if (await products.FindAsync(tenantId, productId, cancellationToken) is { } product)
        {
            return product;
        }
        if (await services.FindAsync(tenantId, productId, cancellationToken) is not null)
        {
            throw new ValidationException("productId", "Services are never stocked; only products have inventory.", "inventory.not_stocked");
        }
        throw new ValidationException("productId", $"No product with id '{productId}'.", "product.not_found");
    }

    /// <summary>Told once per crossing: the dedupe key names the entry that crossed, so a repeat sends nothing.</summary>
    private Task NotifyLowAsync(string tenantId, Product product, LedgerEntry entry, StockBalance balance, CancellationToken cancellationToken) =>
        product.ManagerId is not { } manager ? Task.CompletedTask
            : notifier.NotifyAsync(tenantId, new Notice(manager, "inventory.low_stock", $"{product.Name} ({product.Code}) is low on stock",
                $"{balance.OnHand} on hand, reorder level {product.ReorderLevel}.", "product", product.Id),
                $"inventory.low~{product.Id}~{entry.Sequence}", cancellationToken);
}
