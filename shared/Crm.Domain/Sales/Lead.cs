using System.Text.Json.Serialization;
using Crm.Domain.Common;
using Crm.Domain.Configuration;

namespace Crm.Domain.Sales;

/// <summary>
/// A lead (线索) of PRODUCT.md section 2: a person at a company not yet qualified as a customer. Source,
/// industry and status are picklist values checked against the tenant's dictionaries. Once converted it
/// is read-only and leaves every lead list and search, still readable by id with <see cref="ConvertedTo"/>.
/// </summary>
public sealed record Lead : OwnedRecord, IFollowedUp
{
    /// <summary>The person.</summary>
    public string Name { get; init; } = "";
    public string? Company { get; init; }
    public string? Title { get; init; }
    public string? Phone { get; init; }
    public string? Mobile { get; init; }
    public string? Email { get; init; }

    [DictionaryField(DataDictionaries.CustomerSource)]
    public string? Source { get; init; }

    [DictionaryField(DataDictionaries.Industry)]
    public string? Industry { get; init; }

    /// <summary>new, contacted, qualified, unqualified by default (the leadStatus dictionary); conversion is not a status.</summary>
    [DictionaryField(DataDictionaries.LeadStatus)]
    public string? Status { get; init; }
    public Address? Address { get; init; }
    public DateTimeOffset? NextContactAt { get; init; }
    public string? Remark { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Set by follow-ups, never by a write to the lead itself.</summary>
    public DateTimeOffset? LastFollowUpAt { get; init; }

    public IFollowedUp WithLastFollowUpAt(DateTimeOffset? at) => this with { LastFollowUpAt = at };

    /// <summary>
    /// The records a conversion in progress makes or links, reserved before the first of them is written,
    /// so a retry after a crash finds them instead of making second ones. Null before and after.
    /// </summary>
    public LeadConversionProgress? Conversion { get; init; }

    public DateTimeOffset? ConvertedAt { get; init; }
    public string? ConvertedBy { get; init; }
    public LeadConvertedTo? ConvertedTo { get; init; }

    [JsonIgnore]
    public bool IsConverted => ConvertedAt is not null;
}

/// <summary>What a lead became: its customer (made or linked), its contact and the optional opportunity.</summary>
public sealed record LeadConvertedTo(string CustomerId, string ContactId, string? OpportunityId);

/// <summary>
/// A conversion's reserved ids. <see cref="LinksExistingCustomer"/> says the customer was chosen by the
/// caller rather than made from the lead.
/// </summary>
public sealed record LeadConversionProgress(string CustomerId, bool LinksExistingCustomer, string ContactId, string? OpportunityId, DateTimeOffset StartedAt, string StartedBy);
