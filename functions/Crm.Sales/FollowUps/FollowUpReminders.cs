using Crm.Domain.Access;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Notifications;
using Crm.Platform.Records;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Sales.FollowUps;

/// <summary>
/// Turns due follow-up reminders into <c>followup.reminder</c> notifications for the follow-up's owner (its
/// author unless named otherwise). Each is delivered, then marked on the follow-up (<c>remindedFor</c>), which
/// drops it from the due index. A crash between the two delivers it again under the same dedupe key, which
/// the notifier refuses: nothing is lost, nothing arrives twice.
/// </summary>
internal sealed class FollowUpReminders(RecordWriter<FollowUp, CreateFollowUp, FollowUpService> followUps, FollowUpTargets targets, INotifier notifier)
{
    /// <summary>Marks follow-ups reminded in every department.</summary>
    public static readonly BackgroundActor Actor = BackgroundActor.Granted("follow-up-reminders", DataScope.All, "followups.view", "followups.edit");

    public const string Kind = "followup.reminder";

    /// <summary>Delivers every reminder of the tenant due at <paramref name="now"/>; returns how many it handled.</summary>
    public async Task<int> DeliverDueAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = new List<FollowUp>();
        await foreach (var followUp in followUps.Store.WithFieldBelowAsync(tenantId, FollowUpRecordType.ReminderIndex, FollowUpRecordType.DueValue(now.AddTicks(1)), cancellationToken))
        {
            due.Add(followUp);
        }
        foreach (var followUp in due)
        {
            var at = followUp.NextContactAt!.Value;
            var userId = followUp.OwnerId ?? followUp.CreatedBy;
            var target = targets.Find(followUp.RelatedType);
            var record = target is null ? null : await target.FindAsync(tenantId, followUp.RelatedId, cancellationToken);
            var title = record is null ? "Time to follow up" : $"Time to follow up: {target!.DisplayName(record)}";
            await notifier.NotifyAsync(tenantId, new Notice(userId, Kind, title, Excerpt(followUp.Content), followUp.RelatedType, followUp.RelatedId),
                $"{Kind}:{followUp.Id}:{FollowUpRecordType.DueValue(at)}", cancellationToken);
            try
            {
                await followUps.ChangeAsync(Actor.In(tenantId), followUp.Id, null, Permissions.Actions.Edit, null,
                    f => f.NextContactAt == at ? f with { RemindedFor = at } : f, cancellationToken, now);
            }
            catch (Domain.Common.NotFoundException)
            {
                // Deleted after it was delivered: nothing left to mark.
            }
        }
        return due.Count;
    }

    private static string Excerpt(string content) => content.Length <= 200 ? content : content[..200] + "…";
}

/// <summary>Every minute: the due follow-up reminders of every tenant (<c>run-job followup-reminders</c>).</summary>
internal sealed class FollowUpReminderJob(FollowUpReminders reminders, TenantStore tenants, TimeProvider clock, ILogger<FollowUpReminderJob> logger) : ITimerJob
{
    public const string Name = "followup-reminders";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            var delivered = await reminders.DeliverDueAsync(tenant.Id, now, cancellationToken);
            if (delivered > 0)
            {
                logger.LogInformation("Delivered {Count} follow-up reminders of tenant {Tenant}", delivered, tenant.Slug);
            }
        }
    }
}
