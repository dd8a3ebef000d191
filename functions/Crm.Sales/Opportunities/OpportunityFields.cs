using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Records;

namespace Crm.Sales.Opportunities;

/// <summary>The editable view a merge patch applies to: stage and status move through the actions, never by patch.</summary>
public record OpportunityFields : OwnedFields
{
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [Required, StringLength(26, MinimumLength = 1)]
    [Fixed("opportunity.customer_fixed", "An opportunity stays with its customer; create one at the other customer.")]
    public string CustomerId { get; init; } = "";

    public IReadOnlyList<OpportunityContact>? Contacts { get; init; }

    public decimal Amount { get; init; }

    /// <summary>ISO 4217; the tenant's currency when not given.</summary>
    [StringLength(3)]
    public string? Currency { get; init; }

    public DateOnly? ExpectedCloseDate { get; init; }

    public int? ProbabilityOverride { get; init; }

    public IReadOnlyList<ProductLine>? ProductLines { get; init; }

    public IReadOnlyList<string>? Competitors { get; init; }

    [StringLength(1000)]
    public string? NextStep { get; init; }

    /// <summary>The tenant's default pipeline when not given; an opportunity stays on it, so its stage history keeps its meaning.</summary>
    [StringLength(26)]
    [Fixed("opportunity.pipeline_fixed", "An opportunity stays on its pipeline, so its stage history keeps its meaning.")]
    public string? PipelineId { get; init; }
}

/// <summary>A new opportunity's fields: those it keeps, and the open stage it starts in.</summary>
public sealed record CreateOpportunity : OpportunityFields
{
    /// <summary>An open stage of the pipeline; its first open stage when not given.</summary>
    [StringLength(40)]
    public string? StageKey { get; init; }
}

public sealed record MoveStage([property: Required, StringLength(40, MinimumLength = 1)] string? StageKey, bool Reopen = false);

public sealed record LoseOpportunity([property: Required, StringLength(50, MinimumLength = 1)] string? Reason);
