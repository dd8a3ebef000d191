namespace Crm.Domain.Commerce;

/// <summary>What kind of sales document is printed; each kind has its own template.</summary>
public enum PrintableKind
{
    Quote,
    Contract,
    PurchaseOrder,
}

/// <summary>
/// A sales document as it is printed: everything already computed by whoever maps a quote, a contract or a
/// purchase order into it, so rendering formats and lays out but never prices. Amounts are in <see cref="Currency"/>.
/// </summary>
public sealed record PrintableDocument
{
    public required PrintableKind Kind { get; init; }
    public required string Number { get; init; }
    public required string Title { get; init; }
    public required DateOnly IssuedOn { get; init; }
    public DateOnly? ValidUntil { get; init; }

    /// <summary>ISO 4217 code; amounts are shown with its minor unit (JPY 0 digits, CNY 2, KWD 3).</summary>
    public required string Currency { get; init; }

    public required PrintableParty Seller { get; init; }
    public required PrintableParty Buyer { get; init; }
    public string? ContactName { get; init; }
    public required IReadOnlyList<PrintableLine> Lines { get; init; }
    public required PrintableTotals Totals { get; init; }
    public string? Terms { get; init; }
    public string? Notes { get; init; }

    /// <summary>Labels that replace the template's for this one document (label key → text), when the caller has any.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>The seller or the buyer as printed.</summary>
public sealed record PrintableParty
{
    public required string Name { get; init; }
    public string? Address { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? TaxId { get; init; }
}

/// <summary>One printed line; <see cref="TaxPercent"/> is a percentage (13 means 13%).</summary>
public sealed record PrintableLine
{
    public required int Position { get; init; }
    public string? Code { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required decimal Quantity { get; init; }
    public string? Unit { get; init; }
    public required decimal UnitPrice { get; init; }
    public decimal DiscountPercent { get; init; }
    public decimal TaxPercent { get; init; }
    public required decimal Net { get; init; }
    public decimal Tax { get; init; }
    public required decimal Gross { get; init; }
}

/// <summary>The document's totals as the caller computed them.</summary>
public sealed record PrintableTotals(decimal Net, decimal Discount, decimal Tax, decimal Gross);
