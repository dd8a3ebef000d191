using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.Functions.Opportunities;

internal sealed class OpportunityRecordType : RecordType<Opportunity>
{
    public override string Name => "opportunity";
    public override string Table => "opportunities";
    public override string DisplayName(Opportunity record) => record.Name;

    /// <summary>A customer's opportunities (transfer cascade), a pipeline's (delete check), and the usual stage and status filters.</summary>
    public override IReadOnlyList<string> IndexedFields => ["customerId", "pipelineId", "stageKey", "status"];

    public override IEnumerable<SearchTerm> SearchTerms(Opportunity record) => [new("name", record.Name)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "name", "customerId", "amount", "currency", "expectedCloseDate", "pipelineId", "stageKey", "probability", "status", "lossReason",
        "closedAt", "competitors", "lastFollowUpAt", "ownerId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

public abstract record OpportunityFields
{
    [Required, StringLength(200, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [Required, StringLength(26, MinimumLength = 1)]
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
}

public sealed record CreateOpportunity : OpportunityFields
{
    /// <summary>The tenant's default pipeline when not given.</summary>
    [StringLength(26)]
    public string? PipelineId { get; init; }

    /// <summary>An open stage of the pipeline; its first open stage when not given.</summary>
    [StringLength(40)]
    public string? StageKey { get; init; }

    [StringLength(26)]
    public string? OwnerId { get; init; }

    public JsonObject? CustomFields { get; init; }
}

/// <summary>The editable view a merge patch applies to: stage and status move through the actions, never by patch.</summary>
public sealed record OpportunityChanges : OpportunityFields
{
    public string? PipelineId { get; init; }

    public string? OwnerId { get; init; }

    public JsonObject CustomFields { get; init; } = [];
}

public sealed record MoveStage([property: Required, StringLength(40, MinimumLength = 1)] string? StageKey, bool Reopen = false);

public sealed record LoseOpportunity([property: Required, StringLength(50, MinimumLength = 1)] string? Reason);
