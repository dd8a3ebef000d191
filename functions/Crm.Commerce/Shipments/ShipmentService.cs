using System.Text.Json.Nodes;
using Crm.Commerce.Numbering;
using Crm.Commerce.SalesDocuments;
using Crm.Commerce.Warehouses;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.Shipments;

/// <summary>
/// A shipment's write rules: a customer the writer sees (a contract's, when it names an active one), product lines (from
/// a contract: at most what remains to ship of it, all of that by default) with the gifts of bundled products, a
/// warehouse to ship from, a number by the tenant's rule, and edits only while packed.
/// </summary>
internal sealed class ShipmentService(RecordStore<Shipment> store, RecordStore<Contract> contracts, RecordStore<Product> products,
    RecordStore<ServiceItem> services, SalesDocumentParties parties, DocumentNumbers numbers, WarehouseService warehouses, OwnedAccess access, TimeProvider clock)
    : RecordService<Shipment, ShipmentFields>(store, access, clock)
{
    public const string Kind = "shipment";

    private static readonly string[] ByAction = ["number", "status", "statusHistory", "scheduleId", "attempts", "dispatch", "shippedAt", "shippedBy",
        "overridden", "deliveredAt", "hasPendingDispatch"];

    protected override async ValueTask<Shipment> CreatingAsync(Caller caller, ShipmentFields input, Shipment shipment, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var contract = await ContractAsync(caller, input.ContractId, cancellationToken);
        var customerId = contract?.CustomerId ?? input.CustomerId
            ?? throw new ValidationException("customerId", "A shipment names its customer or the contract it ships.", "shipment.customer_required");
        if (contract is not null && input.CustomerId is { } given && given != contract.CustomerId)
        {
            throw new ValidationException("customerId", "The contract is another customer's.", "shipment.customer_mismatch");
        }
        var customer = await parties.CustomerAsync(caller, customerId, Kind, cancellationToken);
        var warehouse = await warehouses.PostableAsync(caller.TenantId, input.WarehouseId, cancellationToken);
        return shipment with
        {
            CustomerId = customer.Id,
            WarehouseId = warehouse.Id,
            Address = input.Address ?? AddressOf(customer),
            PaymentTerm = input.PaymentTerm ?? contract?.PaymentTerms,
            Lines = await LinesAsync(caller.TenantId, contract, input.LineInputs, null, cancellationToken),
            Status = ShipmentStatus.Packed,
            StatusHistory = [new StatusChange(null, SalesDocumentRules.Camel(ShipmentStatus.Packed), now, caller.UserId)],
        };
    }

    protected override Task<Shipment> StoringAsync(WriteContext write, Shipment record, CancellationToken cancellationToken) =>
        numbers.CreateAsync(Store, write, n => n.Shipments, record, (s, number) => s with { Number = number }, cancellationToken);

    protected override void CheckPatch(JsonObject patch)
    {
        if (ByAction.FirstOrDefault(patch.ContainsKey) is { } field)
        {
            throw new ValidationException(field, "The number is computed; the status and what shipping records change by the shipment's actions.",
                "shipment.field_by_action");
        }
    }

    protected override void EnsureEditable(Shipment current)
    {
        ShipmentRules.EnsureNoDispatch(current);
        if (current.Status != ShipmentStatus.Packed)
        {
            throw new ConflictException("shipment.not_editable", $"Only a packed shipment is edited; this one is {SalesDocumentRules.Camel(current.Status)}.");
        }
    }

    protected override async ValueTask<Shipment> UpdatingAsync(Caller caller, Shipment current, ShipmentFields changes, Shipment updated,
        CancellationToken cancellationToken)
    {
        var warehouseId = changes.WarehouseId == current.WarehouseId ? current.WarehouseId
            : (await warehouses.PostableAsync(caller.TenantId, changes.WarehouseId, cancellationToken)).Id;
        var lines = current.Lines;
        if (changes.LineInputs is { } inputs)
        {
            // The contract as it is now (it may have been amended); a shipment being corrected needs it still active.
            var contract = await ContractAsync(caller, current.ContractId, cancellationToken);
            lines = await LinesAsync(caller.TenantId, contract, inputs, current.Id, cancellationToken);
        }
        return updated with { WarehouseId = warehouseId, Lines = lines };
    }

    /// <summary>Goods that left stay on record: only a packed (not being shipped) or cancelled shipment is deleted.</summary>
    protected override async Task DeletingAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await Store.FindAsync(caller.TenantId, id, cancellationToken) is not { } shipment)
        {
            return;
        }
        ShipmentRules.EnsureNoDispatch(shipment);
        if (shipment.Status is ShipmentStatus.Shipped or ShipmentStatus.Delivered)
        {
            throw new ConflictException("shipment.not_deletable", $"A {SalesDocumentRules.Camel(shipment.Status)} shipment stays: its goods left the warehouse.");
        }
    }

    /// <summary>The active contract a shipment names, in the writer's sight (400 when not, 409 when not active).</summary>
    private async Task<Contract?> ContractAsync(Caller caller, string? contractId, CancellationToken cancellationToken)
    {
        if (contractId is null)
        {
            return null;
        }
        var contract = await Access.FindVisibleAsync(caller, contracts, contractId, cancellationToken)
            ?? throw new ValidationException("contractId", $"No contract with id '{contractId}'.", "shipment.contract_not_found");
        ShipmentRules.EnsureContractActive(contract);
        return contract;
    }

    /// <summary>
    /// The lines asked for (or, from a contract, all that remains of it), each a product, with their gifts. Against a
    /// contract each line names a product of it and stays within what remains, counting the contract's other shipments
    /// that are not cancelled (<paramref name="excluding"/>: the one being edited).
    /// </summary>
    private async Task<IReadOnlyList<ShipmentLine>> LinesAsync(string tenantId, Contract? contract, IReadOnlyList<ShipmentLineInput>? inputs, string? excluding,
        CancellationToken cancellationToken)
    {
        var remaining = contract is null ? null : await RemainingAsync(tenantId, contract, excluding, cancellationToken);
        var asked = inputs is null && remaining is not null
            ? [.. remaining.Where(r => r.Value > 0).Select(r => new ShipmentLineInput { ProductId = r.Key, Quantity = r.Value })]
            : inputs ?? [];
        if (inputs is null && remaining is not null && asked.Count == 0)
        {
            throw new ConflictException("shipment.nothing_remaining", "Everything on this contract is shipped or in a shipment already.");
        }
        Check(asked);
        var found = await ShippableAsync(tenantId, [.. asked.Select(l => l.ProductId!.Trim())], contract, cancellationToken);
        var lines = new List<ShipmentLine>();
        for (var i = 0; i < asked.Count; i++)
        {
            var id = asked[i].ProductId!.Trim();
            var product = found[id];
            var price = contract?.Lines.First(l => l.ProductId == id).UnitPrice ?? product.ListPrice;
            lines.Add(new ShipmentLine { ProductId = id, Code = product.Code, Name = product.Name, Unit = product.Unit, Quantity = asked[i].Quantity, UnitPrice = price });
        }
        if (remaining is not null)
        {
            ShipmentRules.EnsureWithinRemaining(lines, remaining);
        }
        var gifts = await products.GetManyAsync(tenantId, found.Values.SelectMany(p => p.GiftItems).Select(g => g.ProductId).Distinct(StringComparer.Ordinal), cancellationToken);
        return ShipmentRules.WithGifts(lines, found.Concat(gifts).DistinctBy(p => p.Key).ToDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// The products <paramref name="ids"/> name (a line's, at <c>lines[i].productId</c>), each refused when it is a
    /// service, unknown, or not on the <paramref name="contract"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Product>> ShippableAsync(string tenantId, IReadOnlyList<string> ids, Contract? contract,
        CancellationToken cancellationToken)
    {
        var found = await products.GetManyAsync(tenantId, ids.Distinct(StringComparer.Ordinal), cancellationToken);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!found.ContainsKey(ids[i]))
            {
                throw await services.FindAsync(tenantId, ids[i], cancellationToken) is not null
                    ? new ValidationException($"lines[{i}].productId", "Services are not shipped; only products are stocked.", "shipment.service_line")
                    : new ValidationException($"lines[{i}].productId", $"No product with id '{ids[i]}'.", "product.not_found");
            }
            if (contract is not null && contract.Lines.All(l => l.ProductId != ids[i]))
            {
                throw new ValidationException($"lines[{i}].productId", "Not a product on this contract.", "shipment.not_on_contract");
            }
        }
        return found;
    }

    /// <summary>What remains to ship of each product of the contract, counting its shipments but <paramref name="excluding"/>.</summary>
    public async Task<IReadOnlyDictionary<string, decimal>> RemainingAsync(string tenantId, Contract contract, string? excluding, CancellationToken cancellationToken)
    {
        var shipments = await Store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("contractId", contract.Id)], Limit = 200 }, cancellationToken)
            .Where(s => s.Id != excluding).ToListAsync(cancellationToken);
        return ShipmentRules.Remaining(contract, shipments);
    }

    private static void Check(IReadOnlyList<ShipmentLineInput> lines)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (lines.Count == 0)
        {
            errors["lines"] = ["A shipment has at least one line."];
        }
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { ProductId: { Length: > 0 } id } line || string.IsNullOrWhiteSpace(id))
            {
                errors[$"lines[{i}].productId"] = ["Every line names a product."];
                continue;
            }
            if (line.Quantity <= 0 || line.Quantity > InventoryRules.MaxQuantity || SalesLines.Decimals(line.Quantity) > InventoryRules.MaxDecimals)
            {
                errors[$"lines[{i}].quantity"] = [$"More than 0, with at most {InventoryRules.MaxDecimals} decimals."];
            }
            if (lines.Take(i).Any(l => l?.ProductId?.Trim() == id.Trim()))
            {
                errors[$"lines[{i}].productId"] = ["Each product once per shipment; raise the quantity instead."];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    private static string? AddressOf(Customer customer) => customer.Address is { IsEmpty: false } a
        ? string.Join(" ", new[] { a.Country, a.Province, a.City, a.District, a.Street, a.Postcode }.Where(p => !string.IsNullOrWhiteSpace(p)))
        : null;

    public IAsyncEnumerable<Shipment> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken) =>
        Store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("customerId", customerId)], Limit = 200 }, cancellationToken);
}
