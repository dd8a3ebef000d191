using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

/// <summary>
/// A place stock is kept (仓库). Every tenant has one default warehouse (<see cref="IsDefault"/>), made with the tenant,
/// where a posting that names no warehouse goes; more may be added. An inactive warehouse takes no postings.
/// </summary>
public sealed record Warehouse : RecordBase
{
    public string Name { get; init; } = "";
    public string? Code { get; init; }
    public string? Address { get; init; }
    public bool Active { get; init; } = true;
    public string? Description { get; init; }

    /// <summary>Set only when the tenant's default warehouse is made; never by a write.</summary>
    public bool IsDefault { get; init; }
}

/// <summary>The default warehouse and what may be done to a warehouse.</summary>
public static class WarehouseRules
{
    public const string DefaultName = "Main warehouse";

    /// <summary>The default warehouse stays active: postings that name no warehouse go there.</summary>
    public static void EnsureCanDeactivate(Warehouse warehouse)
    {
        if (warehouse.IsDefault && !warehouse.Active)
        {
            throw new ConflictException("warehouse.default", "The default warehouse stays active; postings that name no warehouse go there.");
        }
    }

    public static void EnsureCanDelete(Warehouse warehouse)
    {
        if (warehouse.IsDefault)
        {
            throw new ConflictException("warehouse.default", "The default warehouse cannot be deleted; postings that name no warehouse go there.");
        }
    }

    /// <summary>A posting to an inactive warehouse is refused; activate it again to move its stock.</summary>
    public static void EnsureActive(Warehouse warehouse)
    {
        if (!warehouse.Active)
        {
            throw new ConflictException("warehouse.inactive", $"The warehouse '{warehouse.Name}' is inactive; activate it before posting to it.");
        }
    }
}
