using Crm.Domain.Common;
using Crm.Domain.Configuration;

namespace Crm.Domain.Sales;

public enum OpportunityStatus
{
    Open,
    Won,
    Lost,
}

/// <summary>A contact of the opportunity's customer and the part they play (decisionRole dictionary).</summary>
public sealed record OpportunityContact(string ContactId, string? Role);

/// <summary>
/// One line of what is being sold. The product id stays a free reference until products exist;
/// <see cref="Discount"/> is a percentage (0-100) off the line. <see cref="Total"/> is computed in the
/// opportunity's currency whenever it is written (<see cref="PricedLines"/>); a total sent in is not kept.
/// </summary>
public sealed record ProductLine(string? ProductId, string Name, decimal Quantity, decimal UnitPrice, decimal Discount) : IPricedLine
{
    public decimal Total { get; init; }
}

/// <summary>One stage change; <see cref="From"/> is null for the stage the opportunity was created in.</summary>
public sealed record StageChange(string? From, string To, DateTimeOffset At, string By);

/// <summary>
/// A sales opportunity (商机) of one customer, moving along a pipeline. Stage, status, probability,
/// closedAt and lossReason change only through the stage, won and lost actions, which keep the history.
/// </summary>
public sealed record Opportunity : OwnedRecord, IFollowedUp, IPricedDocument<Opportunity>
{
    public string Name { get; init; } = "";
    public string CustomerId { get; init; } = "";
    public IReadOnlyList<OpportunityContact> Contacts { get; init; } = [];
    public decimal Amount { get; init; }
    public string Currency { get; init; } = "";
    public DateOnly? ExpectedCloseDate { get; init; }
    public string PipelineId { get; init; } = "";
    public string StageKey { get; init; } = "";

    /// <summary>The stage's probability unless <see cref="ProbabilityOverride"/> says otherwise (a closed stage's always wins).</summary>
    public int Probability { get; init; }
    public int? ProbabilityOverride { get; init; }
    public IReadOnlyList<ProductLine> ProductLines { get; init; } = [];
    public decimal ProductTotal => ProductLines.Sum(l => l.Total);

    public Opportunity Priced() => this with { ProductLines = PricedLines.Priced(ProductLines, Currency, (l, total) => l with { Total = total }) };
    public IReadOnlyList<string> Competitors { get; init; } = [];
    public string? NextStep { get; init; }
    public OpportunityStatus Status { get; init; }
    [DictionaryField(DataDictionaries.LossReason)]
    public string? LossReason { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public IReadOnlyList<StageChange> StageHistory { get; init; } = [];

    /// <summary>Set by follow-ups, never by a write to the opportunity itself.</summary>
    public DateTimeOffset? LastFollowUpAt { get; init; }

    public IFollowedUp WithLastFollowUpAt(DateTimeOffset? at) => this with { LastFollowUpAt = at };
    /// <summary>The lead this opportunity was made from, for its timeline.</summary>
    public string? ConvertedFromLeadId { get; init; }
}
