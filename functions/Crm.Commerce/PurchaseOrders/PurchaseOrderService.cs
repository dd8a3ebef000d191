using System.Text.Json.Nodes;
using Crm.Commerce.Catalogue;
using Crm.Commerce.Numbering;
using Crm.Commerce.SalesDocuments;
using Crm.Commerce.Warehouses;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.PurchaseOrders;

/// <summary>
/// A purchase order's write rules: a vendor that exists, a requester who is a user, product lines priced at cost in its
/// fixed currency, a number by the tenant's rule, and edits only as a draft.
/// </summary>
internal sealed class PurchaseOrderService(RecordStore<PurchaseOrder> store, SalesLinePricer pricer, CatalogueItems catalogue, SalesDocumentParties parties,
    DocumentNumbers numbers, WarehouseService warehouses, OwnedAccess access, TimeProvider clock)
    : RecordService<PurchaseOrder, PurchaseOrderFields>(store, access, clock)
{
    public const string Kind = "purchaseOrder";

    private static readonly string[] ByAction = ["number", "status", "statusHistory", "totals", "receipts", "payment", "hasUnpostedReceipt", "approvalId"];

    protected override async ValueTask<PurchaseOrder> CreatingAsync(Caller caller, PurchaseOrderFields input, PurchaseOrder order, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        SalesDocumentChecks.EnsureCurrency(input.Currency);
        var warehouse = await warehouses.PostableAsync(caller.TenantId, input.WarehouseId, cancellationToken);
        await catalogue.EnsureVendorAsync(caller.TenantId, input.VendorId, "vendorId", cancellationToken);
        await parties.EnsureUserAsync(caller, "requesterId", input.RequesterId, null, Kind, cancellationToken);
        var currency = await catalogue.CurrencyAsync(caller.TenantId, input.Currency, cancellationToken);
        var inputs = input.LineInputs ?? [];
        EnsureDistinctProducts(inputs);
        return order with
        {
            RequesterId = input.RequesterId ?? caller.UserId,
            WarehouseId = warehouse.Id,
            Currency = currency,
            Lines = await pricer.PricePurchaseAsync(caller, inputs, [], currency, cancellationToken),
            Status = PurchaseOrderStatus.Draft,
            StatusHistory = [new StatusChange(null, SalesDocumentRules.Camel(PurchaseOrderStatus.Draft), now, caller.UserId)],
        };
    }

    protected override Task<PurchaseOrder> StoringAsync(WriteContext write, PurchaseOrder record, CancellationToken cancellationToken) =>
        numbers.CreateAsync(Store, write, n => n.PurchaseOrders, record, (o, number) => o with { Number = number }, cancellationToken);

    protected override void CheckPatch(JsonObject patch)
    {
        if (ByAction.FirstOrDefault(patch.ContainsKey) is { } field)
        {
            throw new ValidationException(field, "The number and totals are computed; the status, receipts and payment change by the order's actions.",
                "purchaseOrder.field_by_action");
        }
    }

    protected override void EnsureEditable(PurchaseOrder current)
    {
        if (current.Status != PurchaseOrderStatus.Draft)
        {
            throw new ConflictException("purchaseOrder.not_editable",
                $"Only a draft purchase order is edited; this one is {SalesDocumentRules.Camel(current.Status)}{(current.Status == PurchaseOrderStatus.Submitted ? " (send it back to draft first)" : "")}.");
        }
    }

    protected override async ValueTask<PurchaseOrder> UpdatingAsync(Caller caller, PurchaseOrder current, PurchaseOrderFields changes, PurchaseOrder updated,
        CancellationToken cancellationToken)
    {
        if (changes.VendorId != current.VendorId)
        {
            await catalogue.EnsureVendorAsync(caller.TenantId, changes.VendorId, "vendorId", cancellationToken);
        }
        await parties.EnsureUserAsync(caller, "requesterId", changes.RequesterId, current.RequesterId, Kind, cancellationToken);
        var warehouseId = changes.WarehouseId == current.WarehouseId ? current.WarehouseId
            : (await warehouses.PostableAsync(caller.TenantId, changes.WarehouseId, cancellationToken)).Id;
        var lines = current.Lines;
        if (changes.LineInputs is { } inputs)
        {
            EnsureDistinctProducts(inputs);
            lines = await pricer.PricePurchaseAsync(caller, inputs, current.Lines, current.Currency, cancellationToken);
        }
        return updated with { RequesterId = changes.RequesterId ?? current.RequesterId, WarehouseId = warehouseId, Currency = current.Currency, Lines = lines };
    }

    /// <summary>Each product once, so a receipt names its line by product.</summary>
    private static void EnsureDistinctProducts(IReadOnlyList<SalesLineInput> inputs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i]?.ProductId is { } id && !seen.Add(id.Trim()))
            {
                throw new ValidationException($"lines[{i}].productId", "Each product once per purchase order; raise the quantity instead.", "purchaseOrder.duplicate_line");
            }
        }
    }
}
