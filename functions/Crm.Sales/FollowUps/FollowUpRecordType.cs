using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.Sales.FollowUps;

internal sealed class FollowUpRecordType : RecordType<FollowUp>
{
    /// <summary>The due-time index of pending reminders (<see cref="DueValue"/>), read by the reminder job.</summary>
    public const string ReminderIndex = "remindAt";

    public override string Name => "followup";
    public override string Table => "followups";
    public override string DisplayName(FollowUp record) => record.Content.Length <= 80 ? record.Content : record.Content[..80];

    /// <summary>A record's follow-ups are one index range: its follow-up list, its timeline, lastFollowUpAt, a move.</summary>
    public override IReadOnlyList<string> IndexedFields => ["relatedId"];

    /// <summary>
    /// A pending reminder is an index row keyed by its due time, kept by the engine in the follow-up's own
    /// transaction: changing or clearing <c>nextContactAt</c> moves or drops it, a delete drops it, a restore brings it back.
    /// </summary>
    public override IEnumerable<KeyValuePair<string, string>> MultiValuedIndex(FollowUp record) =>
        record.ReminderPending ? [new(ReminderIndex, DueValue(record.NextContactAt!.Value))] : [];

    /// <summary>Fixed-width ticks, so that text order is time order.</summary>
    public static string DueValue(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    public override IEnumerable<SearchTerm> SearchTerms(FollowUp record) => [];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "relatedType", "relatedId", "channel", "occurredAt", "nextContactAt", "ownerId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

public abstract record FollowUpFields
{
    /// <summary>How the client was reached (followUpChannel dictionary).</summary>
    [Required, StringLength(50, MinimumLength = 1)]
    public string? Channel { get; init; }

    [Required, StringLength(FollowUpRules.MaxContentLength, MinimumLength = 1)]
    public string Content { get; init; } = "";

    public DateTimeOffset? NextContactAt { get; init; }
}

public sealed record CreateFollowUp : FollowUpFields
{
    /// <summary>customer, contact, opportunity (lead once leads exist).</summary>
    [Required, StringLength(50, MinimumLength = 1)]
    public string RelatedType { get; init; } = "";

    [Required, StringLength(26, MinimumLength = 1)]
    public string RelatedId { get; init; } = "";

    /// <summary>Now when left out.</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    [StringLength(26)]
    public string? OwnerId { get; init; }

    public JsonObject? CustomFields { get; init; }
}

/// <summary>The editable view a merge patch applies to; the target moves only with its record (merge, conversion).</summary>
public sealed record FollowUpChanges : FollowUpFields
{
    public string RelatedType { get; init; } = "";
    public string RelatedId { get; init; } = "";
    public DateTimeOffset OccurredAt { get; init; }
    public string? OwnerId { get; init; }
    public JsonObject CustomFields { get; init; } = [];
}
