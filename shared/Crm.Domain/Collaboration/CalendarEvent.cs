using System.Text.Json.Serialization;
using Crm.Domain.Common;

namespace Crm.Domain.Collaboration;

public enum EventResponse
{
    NeedsAction,
    Accepted,
    Declined,
    Tentative,
}

/// <summary>One participant's answer to an invitation, given by themself.</summary>
public sealed record EventAnswer(string UserId, EventResponse Response, DateTimeOffset? RespondedAt = null);

/// <summary>
/// A calendar event (日程): a meeting, a visit, a call, timed (<see cref="StartAt"/> to <see cref="EndAt"/>) or all-day
/// (<see cref="StartDate"/> to <see cref="EndDate"/>, inclusive), once or repeating by <see cref="Repeat"/> (an RRULE of
/// <see cref="RecurrenceRule"/>'s subset) in the wall-clock time of <see cref="TimeZone"/>. Participants sit on its team
/// with read access and answer for themselves (<see cref="Answers"/>).
/// </summary>
public sealed record CalendarEvent : OwnedRecord
{
    public string Title { get; init; } = "";
    public string? Description { get; init; }
    public string? Location { get; init; }
    public bool AllDay { get; init; }
    public DateTimeOffset? StartAt { get; init; }
    public DateTimeOffset? EndAt { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }

    /// <summary>The IANA zone the event's days and repeats are counted in: the tenant's when not given.</summary>
    public string? TimeZone { get; init; }

    public string? Repeat { get; init; }
    public IReadOnlyList<string> Participants { get; init; } = [];
    public IReadOnlyList<EventAnswer> Answers { get; init; } = [];
    public string? RelatedType { get; init; }
    public string? RelatedId { get; init; }

    public int? RemindMinutesBefore { get; init; }

    /// <summary>The start of the occurrence whose reminder was delivered last.</summary>
    public DateTimeOffset? RemindedFor { get; init; }

    [JsonIgnore]
    public IEnumerable<string> Attendees => (OwnerId is null ? Participants : Participants.Prepend(OwnerId)).Distinct(StringComparer.Ordinal);
}
