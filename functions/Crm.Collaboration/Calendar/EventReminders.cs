using Crm.Domain.Access;
using Crm.Domain.Collaboration;
using Crm.Platform.Access;
using Crm.Platform.Notifications;
using Crm.Platform.Records;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Collaboration.Calendar;

/// <summary>
/// Turns due event reminders into <c>calendar.reminder</c> notifications for the owner and each participant who has not
/// declined, read from the due-time index of each event's next occurrence. Each is delivered, then marked on the event
/// (<c>remindedFor</c>: that occurrence's start), which moves the index to the occurrence after it. A crash between the
/// two delivers again under the same dedupe keys, which the notifier refuses.
/// </summary>
internal sealed class EventReminders(RecordWriter<CalendarEvent, EventFields, EventService> events, TenantStore tenants, INotifier notifier)
{
    /// <summary>Marks events reminded in every department.</summary>
    public static readonly BackgroundActor Actor = BackgroundActor.Granted("calendar-reminders", DataScope.All, "calendarevents.view", "calendarevents.edit");

    public const string Kind = "calendar.reminder";

    public async Task<int> DeliverDueAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = new List<CalendarEvent>();
        await foreach (var e in events.Store.WithFieldBelowAsync(tenantId, EventRecordType.ReminderIndex, TaskRules.Ticks(now.AddTicks(1)), cancellationToken))
        {
            due.Add(e);
        }
        var fallback = (await tenants.FindAsync(tenantId, cancellationToken))?.Zone ?? TimeZoneInfo.Utc;
        foreach (var e in due)
        {
            var zone = CalendarRules.ZoneOf(e, fallback);
            if (CalendarRules.NextToRemind(e, zone, e.UpdatedAt) is not { } occurrence)
            {
                continue;
            }
            var declined = e.Answers.Where(a => a.Response == EventResponse.Declined).Select(a => a.UserId).ToHashSet(StringComparer.Ordinal);
            var when = e.AllDay ? $"{occurrence.StartDate:yyyy-MM-dd}" : $"{TimeZoneInfo.ConvertTime(occurrence.Start, zone):yyyy-MM-dd HH:mm} ({zone.Id})";
            foreach (var userId in e.Attendees.Where(u => !declined.Contains(u)))
            {
                await notifier.NotifyAsync(tenantId, new Notice(userId, Kind, $"Coming up: {e.Title}", when, "calendarEvent", e.Id),
                    $"{Kind}:{e.Id}:{TaskRules.Ticks(occurrence.Start)}:{userId}", cancellationToken);
            }
            try
            {
                await events.ChangeAsync(Actor.In(tenantId), e.Id, null, Permissions.Actions.Edit, null,
                    current => current with { RemindedFor = occurrence.Start }, cancellationToken, now);
            }
            catch (Domain.Common.NotFoundException)
            {
                // Deleted after it was delivered: nothing left to mark.
            }
        }
        return due.Count;
    }
}

/// <summary>Every minute: the due event reminders of every tenant (<c>run-job calendar-reminders</c>).</summary>
internal sealed class EventReminderJob(EventReminders reminders, TenantStore tenants, TimeProvider clock, ILogger<EventReminderJob> logger) : ITimerJob
{
    public const string Name = "calendar-reminders";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            var delivered = await reminders.DeliverDueAsync(tenant.Id, now, cancellationToken);
            if (delivered > 0)
            {
                logger.LogInformation("Delivered the reminders of {Count} events of tenant {Tenant}", delivered, tenant.Slug);
            }
        }
    }
}
