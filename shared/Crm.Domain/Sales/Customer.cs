using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Crm.Domain.Common;
using Crm.Domain.Configuration;

namespace Crm.Domain.Sales;

/// <summary>A postal address as Chinese and international forms both need it; the lengths hold wherever one is written.</summary>
public sealed record Address
{
    [StringLength(100)] public string? Country { get; init; }
    [StringLength(100)] public string? Province { get; init; }
    [StringLength(100)] public string? City { get; init; }
    [StringLength(100)] public string? District { get; init; }
    [StringLength(300)] public string? Street { get; init; }
    [StringLength(20)] public string? Postcode { get; init; }

    [JsonIgnore]
    public bool IsEmpty => Country is null && Province is null && City is null && District is null && Street is null && Postcode is null;
}

/// <summary>
/// A customer (account, 客户) of PRODUCT.md section 2. Source, level and industry are picklist
/// values checked against the tenant's dictionaries on every write (a retired value stays where it was).
/// </summary>
public sealed record Customer : OwnedRecord, IFollowedUp
{
    public string Name { get; init; } = "";
    public string? ShortName { get; init; }

    /// <summary>Direct customer, agent/distributor, partner, competitor, vendor-customer (dictionary).</summary>
    public string? Kind { get; init; }

    [DictionaryField(DataDictionaries.CustomerSource)]
    public string? Source { get; init; }

    [DictionaryField(DataDictionaries.CustomerLevel)]
    public string? Level { get; init; }

    [DictionaryField(DataDictionaries.Industry)]
    public string? Industry { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? Website { get; init; }
    public Address? Address { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Description { get; init; }

    /// <summary>The price book a new quote or contract for the customer takes its prices from, unless it names another.</summary>
    public string? DefaultPriceBookId { get; init; }

    /// <summary>Set by follow-ups, never by a write to the customer itself.</summary>
    public DateTimeOffset? LastFollowUpAt { get; init; }

    /// <summary>A locked customer is never transferred, released or recycled to the pool.</summary>
    public DateTimeOffset? LockedAt { get; init; }
    public string? LockedBy { get; init; }

    /// <summary>The leads converted into this customer (made from one, or linked by later ones), for its timeline.</summary>
    public IReadOnlyList<string> ConvertedFromLeadIds { get; init; } = [];

    /// <summary>When the current owner got the customer (claim, assignment, transfer); pool rules count from here.</summary>
    public DateTimeOffset? OwnedSince { get; init; }

    /// <summary>
    /// The owner it had when it last went to the public pool (released, or reclaimed by a rule), and when:
    /// kept after a claim, so that owner waits out the cool-down before claiming it back.
    /// </summary>
    public string? PreviousOwnerId { get; init; }
    public DateTimeOffset? PooledAt { get; init; }

    /// <summary>Why it last went to the pool: the releaser's reason, or the rule's.</summary>
    public string? PoolReason { get; init; }

    /// <summary>The pool rule that last returned it to the pool (null when released by hand).</summary>
    public string? PoolRuleId { get; init; }

    /// <summary>Set on a customer merged into another just before it goes to the recycle bin.</summary>
    public string? MergedIntoId { get; init; }

    [JsonIgnore]
    public bool IsLocked => LockedAt is not null;

    public IFollowedUp WithLastFollowUpAt(DateTimeOffset? at) => this with { LastFollowUpAt = at };
}
