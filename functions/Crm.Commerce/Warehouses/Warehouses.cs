using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Inventory;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Commerce.Warehouses;

/// <summary>A warehouse's create body and the view a merge patch applies to.</summary>
public sealed record WarehouseFields : ModuleFields
{
    /// <summary>Unique in the tenant, compared without case or width.</summary>
    [Required, NotBlank, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(50)]
    public string? Code { get; init; }

    [StringLength(500)]
    public string? Address { get; init; }

    /// <summary>An inactive warehouse takes no postings and no new purchase orders; the default one stays active.</summary>
    public bool Active { get; init; } = true;

    [StringLength(1000)]
    public string? Description { get; init; }
}

internal sealed class WarehouseRecordType : RecordType<Warehouse>
{
    public const string DefaultKey = "default";

    public override string Name => "warehouse";
    public override string Table => "warehouses";
    public override string DisplayName(Warehouse record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(Warehouse record)
    {
        yield return new("name", TextNormalizer.Normalize(record.Name), "warehouse.duplicate_name", $"A warehouse named '{record.Name}' already exists.");
        if (record.Code is { Length: > 0 } code)
        {
            yield return new("code", TextNormalizer.Normalize(code), "warehouse.duplicate_code", $"A warehouse with code '{code}' already exists.");
        }
        if (record.IsDefault)
        {
            // Two replicas making a new tenant's default at once: the second write fails here and reads the first's.
            yield return new(DefaultKey, DefaultKey, "warehouse.default_taken", "The tenant already has a default warehouse.");
        }
    }

    public override IReadOnlyList<string> IndexedFields => ["active", "isDefault"];

    public override IEnumerable<SearchTerm> SearchTerms(Warehouse record) => [new("name", record.Name), new("code", record.Code)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "name", "code", "active", "isDefault", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

/// <summary>
/// Warehouses: the default one is made with the tenant (or, for a tenant made before warehouses, on its first posting),
/// stays active and is never deleted; any warehouse holding stock stays until the stock is moved or counted out.
/// </summary>
internal sealed class WarehouseService(RecordStore<Warehouse> store, LedgerStore ledger, OwnedAccess access, TimeProvider clock)
    : RecordService<Warehouse, WarehouseFields>(store, access, clock)
{
    /// <summary>Who makes the default warehouse of a tenant made before warehouses existed.</summary>
    private static readonly BackgroundActor Actor = BackgroundActor.Unrestricted("warehouses");

    /// <summary>The default warehouse's id per tenant: it is made once and can be neither deleted nor replaced, so it never changes.</summary>
    private readonly ConcurrentDictionary<string, string> defaults = new(StringComparer.Ordinal);

    protected override ValueTask<Warehouse> UpdatingAsync(Caller caller, Warehouse current, WarehouseFields changes, Warehouse updated,
        CancellationToken cancellationToken)
    {
        WarehouseRules.EnsureCanDeactivate(updated);
        return ValueTask.FromResult(updated);
    }

    protected override async Task DeletingAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await Store.FindAsync(caller.TenantId, id, cancellationToken) is not { } warehouse)
        {
            return;
        }
        WarehouseRules.EnsureCanDelete(warehouse);
        if (await ledger.HasStockAsync(caller.TenantId, id, cancellationToken))
        {
            throw new ConflictException("warehouse.has_stock", $"The warehouse '{warehouse.Name}' still holds stock; ship, move or count it out first.");
        }
    }

    /// <summary>Makes the tenant's default warehouse unless it has one; run at provisioning and safe to run again.</summary>
    public async Task<Warehouse> EnsureDefaultAsync(WriteContext context, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await Store.FindIdByUniqueKeyAsync(context.TenantId, WarehouseRecordType.DefaultKey, WarehouseRecordType.DefaultKey, cancellationToken) is { } id)
            {
                return await Store.GetAsync(context.TenantId, id, cancellationToken);
            }
            try
            {
                // A tenant that already named a warehouse "Main warehouse" keeps it; the default takes another name.
                var taken = await Store.FindIdByUniqueKeyAsync(context.TenantId, "name", TextNormalizer.Normalize(WarehouseRules.DefaultName), cancellationToken) is not null;
                var name = taken ? $"{WarehouseRules.DefaultName} (default)" : WarehouseRules.DefaultName;
                return await Store.CreateAsync(context, new Warehouse { Name = name, IsDefault = true }, cancellationToken: cancellationToken);
            }
            catch (ConflictException) when (attempt < 2)
            {
                // Another replica made it at the same moment: read theirs.
            }
        }
    }

    public async Task<string> DefaultIdAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (defaults.TryGetValue(tenantId, out var id))
        {
            return id;
        }
        var made = await EnsureDefaultAsync(Actor.Write(tenantId, Clock.GetUtcNow()), cancellationToken);
        return defaults.GetOrAdd(tenantId, made.Id);
    }

    /// <summary>The warehouse a posting or a purchase order names (the default when none), refused when unknown or inactive.</summary>
    public async Task<Warehouse> PostableAsync(string tenantId, string? warehouseId, CancellationToken cancellationToken, string field = "warehouseId")
    {
        var id = TextNormalizer.Trimmed(warehouseId) ?? await DefaultIdAsync(tenantId, cancellationToken);
        var warehouse = await Store.FindAsync(tenantId, id, cancellationToken)
            ?? throw new ValidationException(field, $"No warehouse with id '{id}'.", "warehouse.not_found");
        WarehouseRules.EnsureActive(warehouse);
        return warehouse;
    }
}

/// <summary>Every new tenant starts with its default warehouse.</summary>
internal sealed class DefaultWarehouseSeed(WarehouseService warehouses) : ITenantSeed
{
    public Task SeedAsync(WriteContext context, CancellationToken cancellationToken) => warehouses.EnsureDefaultAsync(context, cancellationToken);
}
