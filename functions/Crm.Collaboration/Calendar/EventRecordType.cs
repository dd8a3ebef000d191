using Crm.Domain.Collaboration;
using Crm.Storage.Records;

namespace Crm.Collaboration.Calendar;

internal sealed class EventRecordType : RecordType<CalendarEvent>
{
    /// <summary>
    /// One value per attendee, <c>{userId}:{ticks of the last occurrence's end}</c> (the largest value for a repeat without
    /// end), so a read of a period starts at its beginning and skips every event already over.
    /// </summary>
    public const string AttendeeIndex = "attendee";

    /// <summary>The due-time index of the next reminder, read by the reminder job.</summary>
    public const string ReminderIndex = "remindAt";

    public const string Endless = "9999999999999999999";

    public override string Name => "calendarEvent";
    public override string Table => "calendarevents";
    public override string Collection => "calendar-events";
    public override string DisplayName(CalendarEvent record) => record.Title;
    public override IReadOnlyList<string> IndexedFields => ["relatedId"];

    public override IEnumerable<KeyValuePair<string, string>> MultiValuedIndex(CalendarEvent record)
    {
        var zone = CalendarRules.ZoneOf(record, TimeZoneInfo.Utc);
        var lastEnd = CalendarRules.LastEnd(record, zone) is { } end ? TaskRules.Ticks(end) : Endless;
        foreach (var userId in record.Attendees)
        {
            yield return new(AttendeeIndex, $"{userId}:{lastEnd}");
        }
        if (CalendarRules.NextToRemind(record, zone, record.UpdatedAt) is { } next)
        {
            yield return new(ReminderIndex, TaskRules.Ticks(next.Start.AddMinutes(-record.RemindMinutesBefore!.Value)));
        }
    }

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "title", "allDay", "startAt", "endAt", "startDate", "ownerId", "relatedType", "relatedId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
