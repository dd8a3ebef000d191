using Crm.Domain.Common;

namespace Crm.Domain.Collaboration;

/// <summary>One occurrence of an event: its instants, and its days when it is all-day.</summary>
public sealed record Occurrence(DateTimeOffset Start, DateTimeOffset End, DateOnly? StartDate = null, DateOnly? EndDate = null);

public static class CalendarRules
{
    public const int MaxRemindMinutesBefore = 7 * 24 * 60;
    public const int MaxParticipants = 100;

    /// <summary>The longest period one calendar read covers (about a quarter).</summary>
    public const int MaxRangeDays = 92;

    /// <summary>An occurrence lasts at most this long, so a range read knows how far back to look.</summary>
    public const int MaxDurationDays = 31;

    /// <summary>How many occurrences an expansion walks at most before giving up on reaching the range (a daily rule from centuries ago).</summary>
    private const int MaxSteps = 200_000;

    public const string TimeRequired = "calendar.time_required";
    public const string TimesMixed = "calendar.times_mixed";
    public const string EndBeforeStart = "calendar.end_before_start";
    public const string TooLong = "calendar.too_long";
    public const string ZoneUnknown = "calendar.time_zone_unknown";
    public const string RangeTooLong = "calendar.range_too_long";
    public const string NotParticipant = "calendar.not_participant";

    /// <summary>
    /// The checks an event's fields cannot make alone: timed events have a start before their end and no days, all-day
    /// ones days and no times; an occurrence lasts at most <see cref="MaxDurationDays"/>; a repeat is a supported rule the
    /// first occurrence fits. Returns the event with its repeat in canonical form and its end date defaulted.
    /// </summary>
    public static CalendarEvent Checked(CalendarEvent e, TimeZoneInfo zone)
    {
        if (e.AllDay)
        {
            if (e.StartAt is not null || e.EndAt is not null)
            {
                throw new ValidationException(e.StartAt is not null ? "startAt" : "endAt", "An all-day event has startDate and endDate, not times.", TimesMixed);
            }
            if (e.StartDate is not { } startDate)
            {
                throw new ValidationException("startDate", "An all-day event needs startDate.", TimeRequired);
            }
            e = e with { EndDate = e.EndDate ?? startDate };
            if (e.EndDate < startDate)
            {
                throw new ValidationException("endDate", "Must not be before startDate.", EndBeforeStart);
            }
            if (e.EndDate!.Value.DayNumber - startDate.DayNumber >= MaxDurationDays)
            {
                throw new ValidationException("endDate", $"An event lasts at most {MaxDurationDays} days; repeat it instead.", TooLong);
            }
        }
        else
        {
            if (e.StartDate is not null || e.EndDate is not null)
            {
                throw new ValidationException(e.StartDate is not null ? "startDate" : "endDate", "A timed event has startAt and endAt; set allDay for days.", TimesMixed);
            }
            if (e.StartAt is null || e.EndAt is null)
            {
                throw new ValidationException(e.StartAt is null ? "startAt" : "endAt", "A timed event needs startAt and endAt.", TimeRequired);
            }
            if (e.EndAt <= e.StartAt)
            {
                throw new ValidationException("endAt", "Must be after startAt.", EndBeforeStart);
            }
            if (e.EndAt - e.StartAt > TimeSpan.FromDays(MaxDurationDays))
            {
                throw new ValidationException("endAt", $"An event lasts at most {MaxDurationDays} days; repeat it instead.", TooLong);
            }
        }
        if (e.OwnerId is { } owner && e.Participants.Contains(owner, StringComparer.Ordinal))
        {
            throw new ValidationException("participants", "The owner is not a participant of their own event.", "calendar.owner_participant");
        }
        if (e.Repeat is { } repeat)
        {
            var rule = RecurrenceRule.Parse(repeat);
            rule.EnsureStartsOn(FirstLocal(e, zone));
            e = e with { Repeat = rule.ToString() };
        }
        return e;
    }

    /// <summary>The first occurrence's wall-clock start in the event's zone.</summary>
    public static DateTime FirstLocal(CalendarEvent e, TimeZoneInfo zone) =>
        e.AllDay ? e.StartDate!.Value.ToDateTime(TimeOnly.MinValue) : LocalTime.WallClock(e.StartAt!.Value, zone);

    /// <summary>The zone an event is counted in: its own, else <paramref name="fallback"/>.</summary>
    public static TimeZoneInfo ZoneOf(CalendarEvent e, TimeZoneInfo fallback) =>
        e.TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : fallback;

    /// <summary>
    /// Every occurrence, first first. Each keeps the first one's wall-clock start and length in the event's zone, so a
    /// weekly 09:00 meeting stays at 09:00 across a daylight-saving change; all-day occurrences cover whole local days.
    /// </summary>
    public static IEnumerable<Occurrence> All(CalendarEvent e, TimeZoneInfo zone)
    {
        var first = FirstLocal(e, zone);
        var starts = e.Repeat is { } repeat ? RecurrenceRule.Parse(repeat).Starts(first, zone) : [first];
        if (e.AllDay)
        {
            var days = e.EndDate!.Value.DayNumber - e.StartDate!.Value.DayNumber;
            foreach (var start in starts)
            {
                var startDate = DateOnly.FromDateTime(start);
                var endDate = startDate.AddDays(days);
                yield return new Occurrence(LocalTime.StartOf(startDate, zone), LocalTime.StartOf(endDate.AddDays(1), zone), startDate, endDate);
            }
            yield break;
        }
        var length = LocalTime.WallClock(e.EndAt!.Value, zone) - first;
        var once = e.Repeat is null;
        foreach (var start in starts)
        {
            // A single event ends exactly when it says; repeats keep the wall-clock length.
            yield return once ? new Occurrence(e.StartAt!.Value, e.EndAt!.Value) : new Occurrence(LocalTime.ToInstant(start, zone), LocalTime.ToInstant(start + length, zone));
        }
    }

    /// <summary>The occurrences that overlap [<paramref name="from"/>, <paramref name="to"/>), in order.</summary>
    public static IEnumerable<Occurrence> Between(CalendarEvent e, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var steps = 0;
        foreach (var occurrence in All(e, zone))
        {
            if (occurrence.Start >= to || ++steps > MaxSteps)
            {
                yield break;
            }
            if (occurrence.End > from)
            {
                yield return occurrence;
            }
        }
    }

    /// <summary>When the last occurrence ends; null when the event repeats without end (or too far to walk).</summary>
    public static DateTimeOffset? LastEnd(CalendarEvent e, TimeZoneInfo zone)
    {
        if (e.Repeat is { } repeat && RecurrenceRule.Parse(repeat) is { Count: null, Until: null })
        {
            return null;
        }
        DateTimeOffset? last = null;
        var steps = 0;
        foreach (var occurrence in All(e, zone))
        {
            if (++steps > MaxSteps)
            {
                return null;
            }
            last = occurrence.End;
        }
        return last;
    }

    /// <summary>
    /// The occurrence whose reminder is due next: the first starting after both the one reminded last and
    /// <paramref name="since"/> (the event's last write, so a repeat made today does not remind of years past).
    /// </summary>
    public static Occurrence? NextToRemind(CalendarEvent e, TimeZoneInfo zone, DateTimeOffset since)
    {
        if (e.RemindMinutesBefore is null)
        {
            return null;
        }
        var after = e.RemindedFor is { } reminded && reminded > since ? reminded : since;
        var steps = 0;
        foreach (var occurrence in All(e, zone))
        {
            if (++steps > MaxSteps)
            {
                return null;
            }
            if (occurrence.Start > after)
            {
                return occurrence;
            }
        }
        return null;
    }

    /// <summary>A calendar read covers a period of at most <see cref="MaxRangeDays"/>, <paramref name="from"/> first.</summary>
    public static void CheckRange(DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is null || to is null)
        {
            throw new ValidationException(from is null ? "from" : "to", "Give the period: from and to (date-times).");
        }
        if (to <= from)
        {
            throw new ValidationException("to", "Must be after from.");
        }
        if (to - from > TimeSpan.FromDays(MaxRangeDays))
        {
            throw new ValidationException("to", $"A calendar read covers at most {MaxRangeDays} days.", RangeTooLong);
        }
    }

    /// <summary>An answer for <paramref name="userId"/>, replacing their earlier one.</summary>
    public static CalendarEvent Answered(CalendarEvent e, string userId, EventResponse response, DateTimeOffset now)
    {
        if (!e.Participants.Contains(userId, StringComparer.Ordinal))
        {
            throw new ForbiddenException(NotParticipant, "Only a participant answers an invitation, for themself.");
        }
        return e with { Answers = [.. e.Answers.Where(a => a.UserId != userId), new EventAnswer(userId, response, now)] };
    }
}
