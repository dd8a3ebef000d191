using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Records;

namespace Crm.Commerce.Contracts;

/// <summary>
/// A contract's create body and the view a merge patch (of a draft or rejected one) or an amendment (of an active
/// one) applies to. <c>lines</c> is sent as inputs and stored priced, as on quotes.
/// </summary>
public sealed record ContractFields : OwnedFields
{
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [Required, StringLength(26, MinimumLength = 1)]
    [Fixed("contract.customer_fixed", "A contract stays with its customer.")]
    public string CustomerId { get; init; } = "";

    [StringLength(26)]
    public string? OpportunityId { get; init; }

    /// <summary>The customer's contact who signs.</summary>
    [StringLength(26)]
    public string? SignerContactId { get; init; }

    /// <summary>The user who signs for the tenant.</summary>
    [StringLength(26)]
    public string? OurSignerId { get; init; }

    public DateOnly? SignDate { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }

    [StringLength(26)]
    public string? PriceBookId { get; init; }

    [StringLength(3, MinimumLength = 3)]
    [Fixed("contract.currency_fixed", "A contract keeps its currency.")]
    public string? Currency { get; init; }

    [JsonPropertyName("lines")]
    public IReadOnlyList<SalesLineInput>? LineInputs { get; init; }

    [StringLength(4000)]
    public string? PaymentTerms { get; init; }

    [StringLength(4000)]
    public string? Terms { get; init; }

    [StringLength(4000)]
    public string? Description { get; init; }
}

/// <summary>An amendment of an active contract: why, and the fields it changes (a merge patch of the contract's fields).</summary>
public sealed record AmendContract(
    [property: Required, NotBlank, StringLength(1000, MinimumLength = 1)] string? Reason,
    [property: Required] JsonObject? Changes);

/// <summary>A reason, required where the move needs one (reject, terminate).</summary>
public sealed record ContractReason([property: StringLength(1000)] string? Reason);
