using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Commerce.PurchaseOrders;

/// <summary>A purchase order's create body and the view a merge patch (of a draft) applies to.</summary>
public sealed record PurchaseOrderFields : ModuleFields
{
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [Required, StringLength(26, MinimumLength = 1)]
    public string VendorId { get; init; } = "";

    /// <summary>The writer when not given.</summary>
    [StringLength(26)]
    public string? RequesterId { get; init; }

    /// <summary>Where receipts go unless a receipt names another; the default warehouse when neither does.</summary>
    [StringLength(26)]
    public string? WarehouseId { get; init; }

    public DateOnly? ExpectedOn { get; init; }

    [StringLength(3, MinimumLength = 3)]
    [Fixed("purchaseOrder.currency_fixed", "A purchase order keeps its currency.")]
    public string? Currency { get; init; }

    [JsonPropertyName("lines")]
    public IReadOnlyList<SalesLineInput>? LineInputs { get; init; }

    [StringLength(4000)]
    public string? Terms { get; init; }

    [StringLength(4000)]
    public string? Description { get; init; }
}

/// <summary>
/// Goods received: at most one line a product of the order, so never more lines than an order holds; the cap refuses a
/// body of thousands of lines before the rule that compares each line with those before it reads them all.
/// </summary>
public sealed record ReceivePurchaseOrder(
    [property: StringLength(26)] string? WarehouseId,
    [property: Required, MaxLength(SalesLines.MaxLines)] IReadOnlyList<ReceiptLine>? Lines,
    [property: StringLength(1000)] string? Note);

public sealed record PayPurchaseOrder([property: Required] DateOnly? PaidOn, [property: StringLength(200)] string? Reference);

public sealed record PurchaseOrderReason([property: StringLength(1000)] string? Reason);

internal sealed class PurchaseOrderRecordType : RecordType<PurchaseOrder>
{
    public override string Name => "purchaseOrder";
    public override string Table => "purchaseorders";
    public override string Collection => "purchase-orders";
    public override string DisplayName(PurchaseOrder record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(PurchaseOrder record) =>
        record.Number.Length == 0 ? [] : [new("number", TextNormalizer.Normalize(record.Number), "purchaseOrder.duplicate_number", $"A purchase order numbered '{record.Number}' already exists.")];

    /// <summary>A vendor's orders (its delete check), the status filter, and those with a receipt still to post (the sweep).</summary>
    public override IReadOnlyList<string> IndexedFields => ["vendorId", "status", "hasUnpostedReceipt"];

    public override IEnumerable<SearchTerm> SearchTerms(PurchaseOrder record) => [new("number", record.Number), new("name", record.Name)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "number", "name", "vendorId", "requesterId", "warehouseId", "expectedOn", "currency", "status", "hasUnpostedReceipt",
        "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
