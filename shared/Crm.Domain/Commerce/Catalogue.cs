using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

/// <summary>A node of the product category tree (产品分类): moved, renamed, and deleted only when empty.</summary>
public sealed record ProductCategory : RecordBase
{
    public string Name { get; init; } = "";
    public string? ParentId { get; init; }
    public int SortOrder { get; init; }
    public string? Description { get; init; }
}

/// <summary>A product bundled free with another (赠品), so many per unit sold.</summary>
public sealed record GiftItem(string ProductId, decimal Quantity);

/// <summary>What products and services have in common: what a quote or contract line names and prices.</summary>
public interface ICatalogueItem
{
    string Id { get; }
    string Code { get; }
    string Name { get; }
    string? CategoryId { get; }
    decimal ListPrice { get; }
    string Currency { get; }
    decimal TaxRate { get; }
    bool OnShelf { get; }
}

/// <summary>
/// A product (产品): stocked in the inventory ledger, priced by list price or a price book. A product taken off the
/// shelf stays on the documents that have it, but no new line may name it. <see cref="TaxRate"/> is a percentage.
/// </summary>
public sealed record Product : RecordBase, ICatalogueItem
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string? CategoryId { get; init; }
    public string? Model { get; init; }
    public string? Unit { get; init; }
    public decimal ListPrice { get; init; }
    public string Currency { get; init; } = "";
    public decimal? Cost { get; init; }
    public decimal TaxRate { get; init; }
    public string? VendorId { get; init; }
    public bool OnShelf { get; init; } = true;
    public string? Description { get; init; }

    /// <summary>Below this on hand (all warehouses), the product's manager is told once per crossing.</summary>
    public decimal? ReorderLevel { get; init; }
    public IReadOnlyList<GiftItem> GiftItems { get; init; } = [];

    /// <summary>The user who looks after the product: told when its stock runs low.</summary>
    public string? ManagerId { get; init; }
}

public enum ServiceUnit
{
    Times,
    Hours,
    Days,
    Period,
}

/// <summary>A service (服务): sold like a product, never stocked.</summary>
public sealed record ServiceItem : RecordBase, ICatalogueItem
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string? CategoryId { get; init; }
    public ServiceUnit Unit { get; init; }
    public decimal ListPrice { get; init; }
    public string Currency { get; init; } = "";
    public decimal TaxRate { get; init; }
    public bool OnShelf { get; init; } = true;
    public string? Description { get; init; }
}

/// <summary>One vendor contact person.</summary>
public sealed record VendorContact
{
    [Required, NotBlank, StringLength(PersonFieldLengths.Name, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(PersonFieldLengths.Title)]
    public string? Title { get; init; }

    [StringLength(PersonFieldLengths.Phone), FoldWidth]
    public string? Phone { get; init; }

    [StringLength(PersonFieldLengths.Email), EmailAddress]
    public string? Email { get; init; }
}

/// <summary>A vendor (供应商) products are bought from; purchase orders go to it.</summary>
public sealed record Vendor : RecordBase
{
    public string Name { get; init; } = "";
    public string? Category { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? Website { get; init; }
    public string? Address { get; init; }
    public IReadOnlyList<VendorContact> Contacts { get; init; } = [];
    public string? Description { get; init; }
}

public enum ItemKind
{
    Product,
    Service,
}

/// <summary>A price book's price for one product or service, in the book's currency.</summary>
public sealed record BookPrice(string ItemId, ItemKind Kind, decimal Price);

/// <summary>A price book (价格表): a named list of prices in one currency; a quote or contract takes its lines' prices from one.</summary>
public sealed record PriceBook : RecordBase
{
    public string Name { get; init; } = "";
    public string Currency { get; init; } = "";
    public bool Active { get; init; } = true;
    public string? Description { get; init; }
    public IReadOnlyList<BookPrice> Prices { get; init; } = [];

    public decimal? PriceOf(string itemId) => Prices.FirstOrDefault(p => p.ItemId == itemId)?.Price;
}
