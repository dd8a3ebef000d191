using System.Text.Json;
using Crm.Collaboration.Tasks;
using Crm.Domain.Access;
using Crm.Domain.Collaboration;
using Crm.Domain.Querying;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Collaboration.Calendar;

/// <summary>
/// One entry of a person's calendar: an event's occurrence (<c>event</c>), a task's due time (<c>task</c>) or a
/// follow-up's next contact time (<c>followup</c>). <see cref="Id"/> is the event, task or follow-up; an occurrence of a
/// repeating event is told apart by its <see cref="Start"/>. <see cref="Response"/> is the caller's answer to an event
/// they are invited to (null for their own).
/// </summary>
public sealed record CalendarItem(string Kind, string Id, string Title, DateTimeOffset Start, DateTimeOffset End, bool AllDay,
    DateOnly? StartDate, DateOnly? EndDate, string? RelatedType, string? RelatedId, EventResponse? Response);

public sealed record CalendarPage(IReadOnlyList<CalendarItem> Items);

/// <summary>
/// The caller's calendar for a period of at most 92 days: their events (owned or invited, repeats expanded), the due
/// times of their open tasks and the next contact times of their follow-ups, in time order. Each source is one key
/// range of a per-person index: events not over before the period starts, tasks due in it, the caller's follow-ups.
/// Sources the caller has no view permission for are left out.
/// </summary>
internal sealed class CalendarFeed(RecordStore<CalendarEvent> events, RecordStore<WorkTask> tasks, RecordStore<FollowUp> followUps, OwnedAccess access,
    TenantStore tenants)
{
    public async Task<CalendarPage> ReadAsync(Caller caller, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        CalendarRules.CheckRange(from, to);
        var (start, end) = (from!.Value, to!.Value);
        var items = new List<CalendarItem>();
        var fallback = (await tenants.FindAsync(caller.TenantId, cancellationToken))?.Zone ?? TimeZoneInfo.Utc;
        await foreach (var e in events.WithFieldBetweenAsync(caller.TenantId, EventRecordType.AttendeeIndex, $"{caller.UserId}:{TaskRules.Ticks(start)}",
            $"{caller.UserId};", cancellationToken))
        {
            if (!await access.MaySeeAsync(caller, events.TableName, e, cancellationToken))
            {
                continue;
            }
            var response = e.OwnerId == caller.UserId ? (EventResponse?)null
                : e.Answers.FirstOrDefault(a => a.UserId == caller.UserId)?.Response ?? EventResponse.NeedsAction;
            var title = Shown(caller, events.TableName, "title", e.Title);
            items.AddRange(CalendarRules.Between(e, CalendarRules.ZoneOf(e, fallback), start, end).Select(o =>
                new CalendarItem("event", e.Id, title, o.Start, o.End, e.AllDay, o.StartDate, o.EndDate, e.RelatedType, e.RelatedId, response)));
        }
        if (caller.Access.Has($"{tasks.TableName}.{Permissions.Actions.View}"))
        {
            await foreach (var task in tasks.WithFieldBetweenAsync(caller.TenantId, TaskRecordType.AssigneeIndex, $"{caller.UserId}:d:{TaskRules.Ticks(start)}",
                $"{caller.UserId}:d:{TaskRules.Ticks(end)}", cancellationToken))
            {
                if (await access.MaySeeAsync(caller, tasks.TableName, task, cancellationToken))
                {
                    items.Add(new CalendarItem("task", task.Id, Shown(caller, tasks.TableName, "title", task.Title), task.DueAt!.Value, task.DueAt.Value, false,
                        null, null, task.RelatedType, task.RelatedId, null));
                }
            }
        }
        if (caller.Access.Has($"{followUps.TableName}.{Permissions.Actions.View}"))
        {
            var query = new ListQuery
            {
                Limit = 200,
                FieldEquals = [new(RecordStore<FollowUp>.OwnerField, caller.UserId)],
                FilterGroups = [new FilterGroup([
                    new Filter("nextContactAt", FilterOperator.Ge, JsonSerializer.SerializeToElement(start)),
                    new Filter("nextContactAt", FilterOperator.Lt, JsonSerializer.SerializeToElement(end))])],
            };
            await foreach (var followUp in followUps.ListAllAsync(caller.TenantId, query, cancellationToken))
            {
                var content = Shown(caller, followUps.TableName, "content", followUp.Content);
                items.Add(new CalendarItem("followup", followUp.Id, content.Length <= 80 ? content : content[..80] + "…", followUp.NextContactAt!.Value,
                    followUp.NextContactAt.Value, false, null, null, followUp.RelatedType, followUp.RelatedId, null));
            }
        }
        return new CalendarPage([.. items.OrderBy(i => i.Start).ThenBy(i => i.Id, StringComparer.Ordinal)]);
    }

    /// <summary>A field hidden from the caller by a field rule is not shown in the calendar either.</summary>
    private static string Shown(Caller caller, string entity, string field, string value) =>
        FieldRules.IsHidden(field, caller.Access.FieldRulesFor(entity)) ? "" : value;
}
