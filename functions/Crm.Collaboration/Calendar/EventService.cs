using Crm.Collaboration.Links;
using Crm.Domain.Access;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Collaboration.Calendar;

/// <summary>
/// An event's write rules: its times or days and repeat are consistent (<see cref="CalendarRules.Checked"/>), counted
/// in its time zone (the tenant's unless given); its participants are active users on its team with read access, whose
/// answers stay while they stay invited; the record it is about is one the writer can see.
/// </summary>
internal sealed class EventService(RecordStore<CalendarEvent> store, RelatedRecords related, Participants participants, TenantStore tenants,
    OwnedAccess access, TimeProvider clock)
    : RecordService<CalendarEvent, EventFields>(store, access, clock)
{
    public const string RelatedTypeUnknown = "calendar.related_type_unknown";

    protected override async ValueTask<CalendarEvent> CreatingAsync(Caller caller, EventFields input, CalendarEvent e, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var timeZone = e.TimeZone ?? (await tenants.FindAsync(caller.TenantId, cancellationToken))?.TimeZone ?? "UTC";
        return await CheckedAsync(caller, null, e with { OwnerId = e.OwnerId ?? caller.UserId, TimeZone = timeZone }, cancellationToken);
    }

    protected override async ValueTask<CalendarEvent> UpdatingAsync(Caller caller, CalendarEvent current, EventFields changes, CalendarEvent updated,
        CancellationToken cancellationToken) =>
        await CheckedAsync(caller, current, updated with { TimeZone = updated.TimeZone ?? current.TimeZone }, cancellationToken);

    private async Task<CalendarEvent> CheckedAsync(Caller caller, CalendarEvent? current, CalendarEvent e, CancellationToken cancellationToken)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(e.TimeZone!, out var zone))
        {
            throw new ValidationException("timeZone", $"'{e.TimeZone}' is not a time zone (use an IANA id such as Asia/Shanghai).", CalendarRules.ZoneUnknown);
        }
        e = CalendarRules.Checked(e, zone);
        await participants.EnsureActiveAsync(caller, e.Participants, current?.Participants ?? [], cancellationToken);
        if (e.RelatedType is null != e.RelatedId is null)
        {
            throw new ValidationException(e.RelatedType is null ? "relatedType" : "relatedId", "A related record needs both relatedType and relatedId.", "calendar.related_incomplete");
        }
        if (e.RelatedType is { } type && e.RelatedId is { } id && (current?.RelatedType != type || current.RelatedId != id))
        {
            await related.VisibleAsync(caller, type, id, "relatedType", RelatedTypeUnknown, cancellationToken);
        }
        var former = current?.Participants ?? [];
        return e with
        {
            Team = Participants.Team(e.Team, former, e.Participants, TeamAccess.Read),
            Answers = [.. (current?.Answers ?? []).Where(a => e.Participants.Contains(a.UserId, StringComparer.Ordinal))],
        };
    }
}
