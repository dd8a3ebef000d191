using System.Text.Json.Serialization;
using Crm.Domain.Common;
using Crm.Domain.Configuration;

namespace Crm.Domain.Sales;

/// <summary>
/// A follow-up (跟进记录) on a customer, contact, opportunity or lead: how the salesperson reached the
/// client, what was said, when, and when to get in touch again. Its owner is its author unless named.
/// </summary>
public sealed record FollowUp : OwnedRecord
{
    /// <summary>Singular record type, as in <c>relatedType</c>: customer, contact, opportunity, lead.</summary>
    public string RelatedType { get; init; } = "";
    public string RelatedId { get; init; } = "";

    [DictionaryField(DataDictionaries.FollowUpChannel)]
    public string? Channel { get; init; }
    public string Content { get; init; } = "";
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>When to get in touch again: the owner gets a <c>followup.reminder</c> notification then.</summary>
    public DateTimeOffset? NextContactAt { get; init; }

    /// <summary>The <see cref="NextContactAt"/> whose reminder was delivered; a new time makes a new reminder.</summary>
    public DateTimeOffset? RemindedFor { get; init; }

    [JsonIgnore]
    public bool ReminderPending => NextContactAt is not null && RemindedFor != NextContactAt;
}

/// <summary>
/// A record follow-ups are recorded on. <see cref="LastFollowUpAt"/> is set by follow-ups only, never by
/// a write to the record itself; <see cref="WithLastFollowUpAt"/> is the copy a follow-up writes.
/// </summary>
public interface IFollowedUp : IOwnedRecord
{
    DateTimeOffset? LastFollowUpAt { get; }

    IFollowedUp WithLastFollowUpAt(DateTimeOffset? at);
}
