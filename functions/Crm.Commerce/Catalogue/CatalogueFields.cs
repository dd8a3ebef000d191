using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Platform.Records;

namespace Crm.Commerce.Catalogue;

/// <summary>What is common to products and services: code, name, category, price and tax, shelf.</summary>
public abstract record CatalogueFields : ModuleFields
{
    /// <summary>Unique per tenant among its kind, compared without case or width.</summary>
    [Required, NotBlank, StringLength(64, MinimumLength = 1)]
    public string Code { get; init; } = "";

    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(26)]
    public string? CategoryId { get; init; }

    public decimal ListPrice { get; init; }

    /// <summary>ISO 4217; the tenant's currency when not given.</summary>
    [StringLength(3)]
    public string? Currency { get; init; }

    /// <summary>A percentage: 13 means 13 %.</summary>
    public decimal TaxRate { get; init; }

    /// <summary>Only items on the shelf may be added to new opportunity, quote and contract lines.</summary>
    public bool OnShelf { get; init; } = true;

    [StringLength(4000)]
    public string? Description { get; init; }
}
