using System.ComponentModel.DataAnnotations;
using Crm.Commerce.Catalogue;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Platform.Records;

namespace Crm.Commerce.Products;

/// <summary>A product's create body and the view a merge patch applies to.</summary>
public sealed record ProductFields : CatalogueFields
{
    [StringLength(100)]
    public string? Model { get; init; }

    [StringLength(20)]
    public string? Unit { get; init; }

    public decimal? Cost { get; init; }

    [StringLength(26)]
    public string? VendorId { get; init; }

    public decimal? ReorderLevel { get; init; }

    public IReadOnlyList<GiftItem>? GiftItems { get; init; }

    [StringLength(26)]
    public string? ManagerId { get; init; }
}
