using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Commerce.Shipments;

/// <summary>A product to ship, so many units (its gifts are added by the shipment).</summary>
public sealed record ShipmentLineInput
{
    [Required, NotBlank, StringLength(26, MinimumLength = 1)]
    public string? ProductId { get; init; }

    public decimal Quantity { get; init; }
}

/// <summary>
/// A shipment's create body and the view a merge patch (of a packed one) applies to. From a contract, the customer is
/// the contract's and the lines default to what remains to ship of it.
/// </summary>
public sealed record ShipmentFields : OwnedFields
{
    /// <summary>Required unless <see cref="ContractId"/> names the contract, whose customer it then is.</summary>
    [StringLength(26)]
    [Fixed("shipment.customer_fixed", "A shipment stays with its customer.")]
    public string? CustomerId { get; init; }

    [StringLength(26)]
    [Fixed("shipment.contract_fixed", "A shipment stays with its contract.")]
    public string? ContractId { get; init; }

    /// <summary>Where the goods leave from; the default warehouse when not given.</summary>
    [StringLength(26)]
    public string? WarehouseId { get; init; }

    [StringLength(500)]
    public string? Address { get; init; }

    [StringLength(100)]
    public string? Carrier { get; init; }

    [StringLength(100)]
    public string? TrackingNumber { get; init; }

    public DateOnly? DeliveryDate { get; init; }

    [StringLength(1000)]
    public string? PaymentTerm { get; init; }

    [StringLength(4000)]
    public string? Description { get; init; }

    [JsonPropertyName("lines")]
    [MaxLength(SalesLines.MaxLines)]
    public IReadOnlyList<ShipmentLineInput>? LineInputs { get; init; }
}

/// <summary>The ship action's body: the carrier's details, and the override of the stock rule (<c>inventory.override</c>).</summary>
public sealed record ShipShipment(
    [property: StringLength(100)] string? Carrier,
    [property: StringLength(100)] string? TrackingNumber,
    bool AllowNegative = false);

public sealed record ShipmentReason([property: StringLength(1000)] string? Reason);

internal sealed class ShipmentRecordType : RecordType<Shipment>
{
    public override string Name => "shipment";
    public override string Table => "shipments";
    public override string DisplayName(Shipment record) => record.Number;

    public override IEnumerable<UniqueKey> UniqueKeys(Shipment record) =>
        record.Number.Length == 0 ? [] : [new("number", TextNormalizer.Normalize(record.Number), "shipment.duplicate_number", $"A shipment numbered '{record.Number}' already exists.")];

    /// <summary>A customer's and a contract's shipments (remaining quantities), a schedule's, the status filter, and those the sweep finishes.</summary>
    public override IReadOnlyList<string> IndexedFields => ["customerId", "contractId", "scheduleId", "status", "hasPendingDispatch"];

    public override IEnumerable<SearchTerm> SearchTerms(Shipment record) => [new("number", record.Number), new("trackingNumber", record.TrackingNumber)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "number", "customerId", "contractId", "scheduleId", "deliveryDate", "warehouseId", "carrier", "trackingNumber", "status", "hasPendingDispatch",
        "ownerId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
