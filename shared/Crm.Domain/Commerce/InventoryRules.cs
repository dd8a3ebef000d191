using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

/// <summary>What a ledger entry records; the kind says which figure of the balance it moves and which way.</summary>
public enum LedgerKind
{
    /// <summary>Goods in: on hand goes up.</summary>
    Receipt,

    /// <summary>Goods out: on hand goes down; may not take available below zero.</summary>
    Shipment,

    /// <summary>A change correction of on hand (a stock count posts the difference).</summary>
    Adjustment,

    /// <summary>Set aside for an order: reserved goes up; may not take available below zero.</summary>
    Reservation,

    /// <summary>A reservation given back: reserved goes down.</summary>
    Release,
}

/// <summary>The document a posting comes from (a purchase order line, a shipment line, a stock count).</summary>
public sealed record SourceDocument(string Type, string Id, string? Line = null);

/// <summary>One ledger entry: never changed or deleted; a mistake is corrected by a counter-entry naming it.</summary>
public sealed record LedgerEntry
{
    public string Id { get; init; } = "";
    public string ProductId { get; init; } = "";
    public string WarehouseId { get; init; } = "";
    public LedgerKind Kind { get; init; }

    /// <summary>Signed: the change to on hand (receipt, shipment, adjustment) or to reserved (reservation, release).</summary>
    public decimal Quantity { get; init; }
    public string Reason { get; init; } = "";
    public SourceDocument? SourceDocument { get; init; }
    public string? CorrectsEntryId { get; init; }
    public bool Override { get; init; }
    public string Actor { get; init; } = "";
    public DateTimeOffset PostedAt { get; init; }
    public long Sequence { get; init; }

    /// <summary>This entry took on hand below the reorder level (the balance was not low before it).</summary>
    public bool CrossedLow { get; init; }
}

/// <summary>
/// The running balance of one product in one warehouse, or across all of them when <see cref="WarehouseId"/> is null: the
/// sum of its entries, kept with them. <see cref="Low"/> (on the product's total) says whether on hand was below the
/// reorder level after the last entry, so a crossing is seen once, in the entry's transaction.
/// </summary>
public sealed record StockBalance(string ProductId, string? WarehouseId, decimal OnHand, decimal Reserved, long Entries, bool Low = false)
{
    public decimal Available => OnHand - Reserved;
}

/// <summary>A product's stock in the warehouse a posting names, and in all its warehouses together.</summary>
public sealed record ProductStock(StockBalance Warehouse, StockBalance Total);

/// <summary>Quantities, signs and the insufficient rule of the inventory ledger.</summary>
public static class InventoryRules
{
    public const int MaxDecimals = 4;
    public const decimal MaxQuantity = 1_000_000_000m;

    /// <summary>
    /// The change change an entry makes. Receipts, shipments, reservations and releases take a positive quantity and
    /// the kind gives the sign; an adjustment's quantity is change itself (never zero).
    /// </summary>
    public static decimal SignedQuantity(LedgerKind kind, decimal quantity)
    {
        EnsureQuantity(quantity, allowNegative: kind == LedgerKind.Adjustment);
        return kind is LedgerKind.Shipment or LedgerKind.Release ? -quantity : quantity;
    }

    public static void EnsureQuantity(decimal quantity, bool allowNegative = false, string field = "quantity")
    {
        if (quantity == 0 || (!allowNegative && quantity < 0))
        {
            throw new ValidationException(field, allowNegative ? "The quantity may not be zero." : "The quantity must be greater than zero.", "inventory.invalid_quantity");
        }
        if (Math.Abs(quantity) > MaxQuantity)
        {
            throw new ValidationException(field, $"The quantity may be at most {MaxQuantity}.", "inventory.invalid_quantity");
        }
        if (decimal.Round(quantity, MaxDecimals) != quantity)
        {
            throw new ValidationException(field, $"A quantity has at most {MaxDecimals} decimal places.", "inventory.invalid_quantity");
        }
    }

    /// <summary>A counted quantity: zero or more, at most four decimals.</summary>
    public static void EnsureCounted(decimal counted)
    {
        if (counted < 0 || counted > MaxQuantity || decimal.Round(counted, MaxDecimals) != counted)
        {
            throw new ValidationException("countedQuantity", $"A counted quantity is zero or more with at most {MaxDecimals} decimal places.", "inventory.invalid_quantity");
        }
    }

    /// <summary>The balance after the entry; refused (409 <c>inventory.insufficient</c>) when it would take available or reserved below zero, unless overridden.</summary>
    public static StockBalance Apply(StockBalance balance, LedgerKind kind, decimal change, bool overrideAllowed)
    {
        var next = kind is LedgerKind.Reservation or LedgerKind.Release
            ? balance with { Reserved = balance.Reserved + change, Entries = balance.Entries + 1 }
            : balance with { OnHand = balance.OnHand + change, Entries = balance.Entries + 1 };
        var takes = change < 0 || kind == LedgerKind.Reservation;
        if (takes && !overrideAllowed && (next.Available < 0 || next.Reserved < 0 || next.OnHand < 0))
        {
            throw new ConflictException("inventory.insufficient",
                $"Only {balance.Available} available ({balance.OnHand} on hand, {balance.Reserved} reserved).",
                new Dictionary<string, object?> { ["available"] = balance.Available, ["onHand"] = balance.OnHand, ["reserved"] = balance.Reserved });
        }
        return next;
    }

    /// <summary>
    /// The stock after an entry: the insufficient rule holds in the warehouse posted to (stock elsewhere cannot be
    /// shipped from it), and low is judged on the total against the product's reorder level.
    /// </summary>
    public static ProductStock Post(ProductStock stock, LedgerKind kind, decimal change, bool overrideAllowed, decimal? reorderLevel)
    {
        var warehouse = Apply(stock.Warehouse, kind, change, overrideAllowed);
        var total = Apply(stock.Total, kind, change, overrideAllowed: true);
        return new ProductStock(warehouse, total with { Low = IsLow(total.OnHand, reorderLevel) });
    }

    /// <summary>True when the on hand is below the reorder level (no level: never low).</summary>
    public static bool IsLow(decimal onHand, decimal? reorderLevel) => reorderLevel is { } level && onHand < level;
}
