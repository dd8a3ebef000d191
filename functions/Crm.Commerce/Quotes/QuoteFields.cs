using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Records;

namespace Crm.Commerce.Quotes;

/// <summary>
/// A quote's create body and the view a merge patch applies to. <c>lines</c> is sent as inputs and stored priced:
/// a patch that names it replaces every line (RFC 7386 replaces arrays), one that does not keeps them.
/// </summary>
public sealed record QuoteFields : OwnedFields
{
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [Required, StringLength(26, MinimumLength = 1)]
    [Fixed("quote.customer_fixed", "A quote stays with its customer; make a new one for another.")]
    public string CustomerId { get; init; } = "";

    [StringLength(26)]
    public string? OpportunityId { get; init; }

    [StringLength(26)]
    public string? ContactId { get; init; }

    public DateOnly? ValidUntil { get; init; }

    /// <summary>The customer's default price book when not given.</summary>
    [StringLength(26)]
    public string? PriceBookId { get; init; }

    /// <summary>ISO 4217: the price book's, else the tenant's, when not given; fixed once the quote exists.</summary>
    [StringLength(3, MinimumLength = 3)]
    [Fixed("quote.currency_fixed", "A quote keeps its currency; make a new one in the other currency.")]
    public string? Currency { get; init; }

    [JsonPropertyName("lines")]
    public IReadOnlyList<SalesLineInput>? LineInputs { get; init; }

    [StringLength(4000)]
    public string? Terms { get; init; }

    [StringLength(4000)]
    public string? Description { get; init; }
}

public sealed record MoveQuoteStage([property: Required] QuoteStage? Stage);
