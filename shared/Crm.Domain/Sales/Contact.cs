using Crm.Domain.Common;
using Crm.Domain.Configuration;

namespace Crm.Domain.Sales;

/// <summary>
/// A person at a customer (联系人). The decision role (decision maker, influencer, user, gatekeeper)
/// is a picklist value checked against the tenant's decisionRole dictionary.
/// </summary>
public sealed record Contact : OwnedRecord, IFollowedUp
{
    public string CustomerId { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Title { get; init; }
    public string? Department { get; init; }
    public string? Phone { get; init; }
    public string? Mobile { get; init; }
    public string? Email { get; init; }
    public string? Wechat { get; init; }
    [DictionaryField(DataDictionaries.DecisionRole)]
    public string? DecisionRole { get; init; }

    /// <summary>At most one contact of a customer is primary (a unique key enforces it).</summary>
    public bool IsPrimary { get; init; }

    /// <summary>A contact of the same customer; the links never form a cycle.</summary>
    public string? ReportsToId { get; init; }
    public DateOnly? Birthday { get; init; }
    public string? Notes { get; init; }

    /// <summary>Set by follow-ups, never by a write to the contact itself.</summary>
    public DateTimeOffset? LastFollowUpAt { get; init; }

    public IFollowedUp WithLastFollowUpAt(DateTimeOffset? at) => this with { LastFollowUpAt = at };
    /// <summary>The lead this contact was made from, for its timeline.</summary>
    public string? ConvertedFromLeadId { get; init; }
}
