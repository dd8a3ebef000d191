using System.ComponentModel.DataAnnotations;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Platform.Records;

namespace Crm.Collaboration.Calendar;

/// <summary>
/// An event's create body and the view a merge patch applies to: <c>startAt</c>/<c>endAt</c> for a timed event,
/// <c>allDay</c> with <c>startDate</c>/<c>endDate</c> (inclusive) for days. <c>repeat</c> is an RRULE
/// (<c>FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10</c>); docs/collaboration.md lists the parts supported.
/// </summary>
public sealed record EventFields : OwnedFields
{
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Title { get; init; } = "";

    [StringLength(10_000)]
    public string? Description { get; init; }

    [StringLength(500)]
    public string? Location { get; init; }

    public bool AllDay { get; init; }

    public DateTimeOffset? StartAt { get; init; }

    public DateTimeOffset? EndAt { get; init; }

    public DateOnly? StartDate { get; init; }

    public DateOnly? EndDate { get; init; }

    /// <summary>IANA time zone (Asia/Shanghai) the event's days and repeats are counted in; the tenant's when not given.</summary>
    [StringLength(64)]
    public string? TimeZone { get; init; }

    [StringLength(500)]
    public string? Repeat { get; init; }

    /// <summary>Users invited besides the owner: they see the event and answer for themselves.</summary>
    [MaxLength(CalendarRules.MaxParticipants), EachLength(1, 26)]
    public IReadOnlyList<string>? Participants { get; init; }

    [StringLength(50, MinimumLength = 1)]
    public string? RelatedType { get; init; }

    [StringLength(26, MinimumLength = 1)]
    public string? RelatedId { get; init; }

    [Range(0, CalendarRules.MaxRemindMinutesBefore)]
    public int? RemindMinutesBefore { get; init; }
}

/// <summary>A participant's answer: accepted, declined or tentative.</summary>
public sealed record AnswerEvent([property: Required] EventResponse? Response);
