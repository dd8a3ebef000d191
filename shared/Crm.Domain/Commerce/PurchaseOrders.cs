using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

public enum PurchaseOrderStatus
{
    Draft,
    Submitted,
    Approved,
    PartiallyReceived,
    Received,
    Paid,
    Cancelled,
}

/// <summary>One product received, so many units.</summary>
public sealed record ReceiptLine(string ProductId, decimal Quantity);

/// <summary>
/// Goods received against a purchase order into a warehouse. It is written onto the order first (so two receipts at once
/// cannot take more than was ordered), then each line is posted to the inventory ledger under a key made of the order,
/// the receipt and the line, and only then is it <see cref="Posted"/>: a receipt interrupted half-way is finished by
/// posting again, which changes nothing already posted.
/// </summary>
public sealed record PurchaseReceipt(string Id, DateTimeOffset At, string By, string? WarehouseId, IReadOnlyList<ReceiptLine> Lines, string? Note)
{
    public bool Posted { get; init; }
}

/// <summary>A payment recorded against a received purchase order.</summary>
public sealed record PurchasePayment(DateTimeOffset At, string By, DateOnly PaidOn, string? Reference);

/// <summary>
/// A purchase order (采购订单) to a vendor: priced product lines, approved before goods are received (fully or in parts,
/// each receipt a ledger entry per line), then paid. Cancelled only before approval.
/// </summary>
public sealed record PurchaseOrder : RecordBase, ISalesDocument, IPricedDocument<PurchaseOrder>
{
    public PurchaseOrder Priced() => this with { Lines = SalesLines.Priced(Lines, Currency), Totals = SalesLines.Totals(SalesLines.Priced(Lines, Currency), Currency) };

    public string Number { get; init; } = "";
    public string Name { get; init; } = "";
    public string VendorId { get; init; } = "";
    public string RequesterId { get; init; } = "";
    public string? WarehouseId { get; init; }
    public DateOnly? ExpectedOn { get; init; }
    public string Currency { get; init; } = "";
    public IReadOnlyList<SalesLine> Lines { get; init; } = [];
    public SalesTotals Totals { get; init; } = SalesTotals.Zero;
    public string? Terms { get; init; }
    public string? Description { get; init; }
    public PurchaseOrderStatus Status { get; init; }

    /// <summary>The approval the order went under when last submitted (<c>GET /api/v1/purchase-orders/{id}/approval</c>).</summary>
    public string? ApprovalId { get; init; }
    public IReadOnlyList<StatusChange> StatusHistory { get; init; } = [];
    public IReadOnlyList<PurchaseReceipt> Receipts { get; init; } = [];
    public PurchasePayment? Payment { get; init; }

    /// <summary>Indexed, so the sweep finds orders with a receipt still to post.</summary>
    public bool HasUnpostedReceipt => Receipts.Any(r => !r.Posted);

    public decimal ReceivedOf(string productId) => Receipts.SelectMany(r => r.Lines).Where(l => l.ProductId == productId).Sum(l => l.Quantity);
}

public static class PurchaseOrderRules
{
    private static readonly Dictionary<PurchaseOrderStatus, PurchaseOrderStatus[]> Moves = new()
    {
        [PurchaseOrderStatus.Draft] = [PurchaseOrderStatus.Submitted, PurchaseOrderStatus.Cancelled],
        [PurchaseOrderStatus.Submitted] = [PurchaseOrderStatus.Approved, PurchaseOrderStatus.Draft],
        [PurchaseOrderStatus.Approved] = [PurchaseOrderStatus.PartiallyReceived, PurchaseOrderStatus.Received],
        [PurchaseOrderStatus.PartiallyReceived] = [PurchaseOrderStatus.PartiallyReceived, PurchaseOrderStatus.Received],
        [PurchaseOrderStatus.Received] = [PurchaseOrderStatus.Paid],
        [PurchaseOrderStatus.Paid] = [],
        [PurchaseOrderStatus.Cancelled] = [],
    };

    public static PurchaseOrder Move(PurchaseOrder order, PurchaseOrderStatus to, string by, DateTimeOffset at, string? reason = null)
    {
        if (!Moves[order.Status].Contains(to))
        {
            throw new ConflictException("purchaseOrder.status_invalid", $"A purchase order cannot go from {SalesDocumentRules.Camel(order.Status)} to {SalesDocumentRules.Camel(to)}.",
                new Dictionary<string, object?> { ["current"] = SalesDocumentRules.Camel(order.Status), ["allowed"] = Moves[order.Status].Select(SalesDocumentRules.Camel).ToArray() });
        }
        if (to == PurchaseOrderStatus.Submitted && order.Lines.Count == 0)
        {
            throw new ConflictException("purchaseOrder.no_lines", "A purchase order without lines cannot be submitted.");
        }
        return order.Status == to ? order
            : order with { Status = to, StatusHistory = [.. order.StatusHistory, new StatusChange(SalesDocumentRules.Camel(order.Status), SalesDocumentRules.Camel(to), at, by, reason)] };
    }

    /// <summary>
    /// The order with a receipt added, or why not: lines of products on the order, at most what is still open of each
    /// (409 <c>purchaseOrder.over_received</c>); the status becomes partiallyReceived or received.
    /// </summary>
    public static PurchaseOrder Receive(PurchaseOrder order, PurchaseReceipt receipt)
    {
        if (order.Receipts.Any(r => r.Id == receipt.Id))
        {
            return order;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (receipt.Lines.Count == 0)
        {
            errors["lines"] = ["A receipt has at least one line."];
        }
        for (var i = 0; i < receipt.Lines.Count; i++)
        {
            var line = receipt.Lines[i];
            if (line.Quantity <= 0 || SalesLines.Decimals(line.Quantity) > SalesLines.QuantityDecimals)
            {
                errors[$"lines[{i}].quantity"] = [$"More than 0, with at most {SalesLines.QuantityDecimals} decimals."];
            }
            if (order.Lines.All(l => l.ProductId != line.ProductId))
            {
                errors[$"lines[{i}].productId"] = ["Not a product on this purchase order."];
            }
            if (receipt.Lines.Take(i).Any(l => l.ProductId == line.ProductId))
            {
                errors[$"lines[{i}].productId"] = ["Each product once per receipt."];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        if (order.Status is not (PurchaseOrderStatus.Approved or PurchaseOrderStatus.PartiallyReceived))
        {
            throw new ConflictException("purchaseOrder.not_receivable", $"Goods are received only against an approved order; this one is {SalesDocumentRules.Camel(order.Status)}.");
        }
        foreach (var line in receipt.Lines)
        {
            var ordered = order.Lines.Where(l => l.ProductId == line.ProductId).Sum(l => l.Quantity);
            var open = ordered - order.ReceivedOf(line.ProductId);
            if (line.Quantity > open)
            {
                throw new ConflictException("purchaseOrder.over_received", $"Only {open} of product '{line.ProductId}' are still to receive on this order.",
                    new Dictionary<string, object?> { ["productId"] = line.ProductId, ["open"] = open });
            }
        }
        var received = order with { Receipts = [.. order.Receipts, receipt] };
        var complete = received.Lines.All(l => received.ReceivedOf(l.ProductId) >= received.Lines.Where(o => o.ProductId == l.ProductId).Sum(o => o.Quantity));
        return Move(received, complete ? PurchaseOrderStatus.Received : PurchaseOrderStatus.PartiallyReceived, receipt.By, receipt.At);
    }
}
