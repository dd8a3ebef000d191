using Crm.Domain.Access;
using Crm.Domain.Collaboration;
using Crm.Platform.Access;
using Crm.Platform.Notifications;
using Crm.Platform.Records;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Collaboration.Tasks;

/// <summary>
/// Turns due task reminders into <c>task.reminder</c> notifications for the task's owner and participants, read from
/// the due-time index (never a scan of the tasks). Each is delivered, then marked on the task (<c>remindedFor</c>),
/// which drops it from the index. A crash between the two delivers again under the same dedupe keys, which the
/// notifier refuses: nothing is lost, nothing arrives twice.
/// </summary>
internal sealed class TaskReminders(RecordWriter<WorkTask, TaskFields, TaskService> tasks, TenantStore tenants, INotifier notifier)
{
    /// <summary>Marks tasks reminded in every department.</summary>
    public static readonly BackgroundActor Actor = BackgroundActor.Granted("task-reminders", DataScope.All, "tasks.view", "tasks.edit");

    public const string Kind = "task.reminder";

    /// <summary>Delivers every reminder of the tenant due at <paramref name="now"/>; returns how many tasks it handled.</summary>
    public async Task<int> DeliverDueAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = new List<WorkTask>();
        await foreach (var task in tasks.Store.WithFieldBelowAsync(tenantId, TaskRecordType.ReminderIndex, TaskRules.Ticks(now.AddTicks(1)), cancellationToken))
        {
            due.Add(task);
        }
        var zone = (await tenants.FindAsync(tenantId, cancellationToken))?.Zone ?? TimeZoneInfo.Utc;
        foreach (var task in due)
        {
            var at = task.RemindAt!.Value;
            var body = $"Due {TimeZoneInfo.ConvertTime(task.DueAt!.Value, zone):yyyy-MM-dd HH:mm} ({zone.Id})";
            foreach (var userId in task.Assignees)
            {
                await notifier.NotifyAsync(tenantId, new Notice(userId, Kind, $"Task due: {task.Title}", body, "task", task.Id),
                    $"{Kind}:{task.Id}:{TaskRules.Ticks(at)}:{userId}", cancellationToken);
            }
            try
            {
                await tasks.ChangeAsync(Actor.In(tenantId), task.Id, null, Permissions.Actions.Edit, null,
                    t => t.RemindAt == at ? t with { RemindedFor = at } : t, cancellationToken, now);
            }
            catch (Domain.Common.NotFoundException)
            {
                // Deleted after it was delivered: nothing left to mark.
            }
        }
        return due.Count;
    }
}

/// <summary>Every minute: the due task reminders of every tenant (<c>run-job task-reminders</c>).</summary>
internal sealed class TaskReminderJob(TaskReminders reminders, TenantStore tenants, TimeProvider clock, ILogger<TaskReminderJob> logger) : ITimerJob
{
    public const string Name = "task-reminders";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            var delivered = await reminders.DeliverDueAsync(tenant.Id, now, cancellationToken);
            if (delivered > 0)
            {
                logger.LogInformation("Delivered the reminders of {Count} tasks of tenant {Tenant}", delivered, tenant.Slug);
            }
        }
    }
}
