using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

public enum ShipmentStatus
{
    Packed,
    Shipped,
    Delivered,
    Cancelled,
}

/// <summary>
/// One product going out, so many units. A gift line (<see cref="Gift"/>) comes with the product line
/// <see cref="GiftOf"/> names, at zero price. <see cref="Id"/> is the line's position in the shipment ("1", "2", …),
/// which with the shipment's id keys its ledger entry.
/// </summary>
public sealed record ShipmentLine
{
    public string Id { get; init; } = "";
    public string ProductId { get; init; } = "";
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Unit { get; init; }
    public decimal Quantity { get; init; }
    public decimal UnitPrice { get; init; }
    public bool Gift { get; init; }
    public string? GiftOf { get; init; }
}

/// <summary>
/// A ship action in progress: written before the first ledger entry, cleared when the last is posted (the shipment is
/// then shipped) or when the ledger refused a line and the lines before it were reversed (it stays packed).
/// <see cref="Attempt"/> keys its entries, so a later attempt after a refusal posts afresh. <see cref="RefusedLine"/>,
/// once set, says the attempt is being undone: only the lines before it were posted.
/// </summary>
public sealed record ShipmentDispatch(int Attempt, DateTimeOffset At, string By, bool Override)
{
    public int? RefusedLine { get; init; }
}

/// <summary>
/// A shipment (发货单) to a customer, from a contract or on its own: lines (gifts of bundled products included), packed,
/// then shipped (each line a ledger shipment out of its warehouse), then delivered; cancelled only while packed.
/// A scheduled one names its schedule and delivery date.
/// </summary>
public sealed record Shipment : OwnedRecord
{
    public string Number { get; init; } = "";
    public string CustomerId { get; init; } = "";
    public string? ContractId { get; init; }
    public string? ScheduleId { get; init; }
    public DateOnly? DeliveryDate { get; init; }
    public string WarehouseId { get; init; } = "";
    public string? Address { get; init; }
    public string? Carrier { get; init; }
    public string? TrackingNumber { get; init; }
    public string? PaymentTerm { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<ShipmentLine> Lines { get; init; } = [];
    public ShipmentStatus Status { get; init; }
    public IReadOnlyList<StatusChange> StatusHistory { get; init; } = [];

    /// <summary>How many ship actions were started; the next one's entries are keyed by the next number.</summary>
    public int Attempts { get; init; }
    public ShipmentDispatch? Dispatch { get; init; }
    public DateTimeOffset? ShippedAt { get; init; }
    public string? ShippedBy { get; init; }

    /// <summary>The stock was allowed below zero when this shipment was shipped (<c>inventory.override</c>).</summary>
    public bool Overridden { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>Indexed, so the sweep finds shipments whose ship action a crash interrupted.</summary>
    public bool HasPendingDispatch => Dispatch is not null;
}

/// <summary>The way of a shipment, its lines from a contract's remaining quantities and the gifts of bundled products.</summary>
public static class ShipmentRules
{
    private static readonly Dictionary<ShipmentStatus, ShipmentStatus[]> Moves = new()
    {
        [ShipmentStatus.Packed] = [ShipmentStatus.Shipped, ShipmentStatus.Cancelled],
        [ShipmentStatus.Shipped] = [ShipmentStatus.Delivered],
        [ShipmentStatus.Delivered] = [],
        [ShipmentStatus.Cancelled] = [],
    };

    public static Shipment Move(Shipment shipment, ShipmentStatus to, string by, DateTimeOffset at, string? reason = null)
    {
        if (!Moves[shipment.Status].Contains(to))
        {
            throw new ConflictException("shipment.status_invalid", $"A shipment cannot go from {SalesDocumentRules.Camel(shipment.Status)} to {SalesDocumentRules.Camel(to)}.",
                new Dictionary<string, object?> { ["current"] = SalesDocumentRules.Camel(shipment.Status), ["allowed"] = Moves[shipment.Status].Select(SalesDocumentRules.Camel).ToArray() });
        }
        return shipment with
        {
            Status = to,
            StatusHistory = [.. shipment.StatusHistory, new StatusChange(SalesDocumentRules.Camel(shipment.Status), SalesDocumentRules.Camel(to), at, by, reason)],
        };
    }

    public static void EnsureContractActive(Contract contract)
    {
        if (contract.Status != ContractStatus.Active)
        {
            throw new ConflictException("shipment.contract_not_active", $"Goods are shipped only against an active contract; this one is {SalesDocumentRules.Camel(contract.Status)}.");
        }
    }

    /// <summary>A ship action is under way: nothing else moves or edits the shipment until it is done or undone.</summary>
    public static void EnsureNoDispatch(Shipment shipment)
    {
        if (shipment.Dispatch is not null)
        {
            throw new ConflictException("shipment.dispatch_pending", "This shipment is being shipped; try again in a moment.");
        }
    }

    /// <summary>
    /// What is still to ship of each product of a contract: its product lines' quantities less the product lines (not
    /// gifts) of the contract's shipments that are not cancelled.
    /// </summary>
    public static IReadOnlyDictionary<string, decimal> Remaining(Contract contract, IEnumerable<Shipment> shipments)
    {
        var remaining = contract.Lines.Where(l => l.Kind == ItemKind.Product).GroupBy(l => l.ProductId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);
        foreach (var line in shipments.Where(s => s.Status != ShipmentStatus.Cancelled).SelectMany(s => s.Lines).Where(l => !l.Gift))
        {
            if (remaining.TryGetValue(line.ProductId, out var left))
            {
                remaining[line.ProductId] = left - line.Quantity;
            }
        }
        return remaining;
    }

    /// <summary>Refuses a line above what remains of its product on the contract (409 <c>shipment.over_remaining</c>, with <c>remaining</c>).</summary>
    public static void EnsureWithinRemaining(IReadOnlyList<ShipmentLine> lines, IReadOnlyDictionary<string, decimal> remaining)
    {
        foreach (var group in lines.Where(l => !l.Gift).GroupBy(l => l.ProductId, StringComparer.Ordinal))
        {
            var left = Math.Max(remaining.GetValueOrDefault(group.Key), 0);
            if (group.Sum(l => l.Quantity) > left)
            {
                throw new ConflictException("shipment.over_remaining", $"Only {left} of product '{group.Key}' remain to ship on this contract.",
                    new Dictionary<string, object?> { ["productId"] = group.Key, ["remaining"] = left });
            }
        }
    }

    /// <summary>
    /// The shipment's lines: each product line numbered in order, followed by its gifts (so many of each gift per unit),
    /// flagged and at zero price.
    /// </summary>
    public static IReadOnlyList<ShipmentLine> WithGifts(IEnumerable<ShipmentLine> productLines, IReadOnlyDictionary<string, Product> products)
    {
        var lines = new List<ShipmentLine>();
        foreach (var line in productLines)
        {
            var main = line with { Id = (lines.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Gift = false, GiftOf = null };
            lines.Add(main);
            // A gift product deleted since the bundle was defined is no longer given.
            foreach (var (gift, item) in (products.TryGetValue(line.ProductId, out var product) ? product.GiftItems : [])
                .Where(g => products.ContainsKey(g.ProductId)).Select(g => (g, products[g.ProductId])))
            {
                lines.Add(new ShipmentLine
                {
                    Id = (lines.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ProductId = item.Id,
                    Code = item.Code,
                    Name = item.Name,
                    Unit = item.Unit,
                    Quantity = line.Quantity * gift.Quantity,
                    UnitPrice = 0,
                    Gift = true,
                    GiftOf = main.Id,
                });
            }
        }
        return lines;
    }
}
