using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Storage.Records;
using Microsoft.DurableTask;

namespace Crm.Commerce.Shipments;

/// <summary>Where a schedule's run is: its terms, the tenant's zone when it started, and the delivery it waits for.</summary>
internal sealed record ScheduleRun(string TenantId, string ScheduleId, SchedulePeriod Period, DateOnly StartDate, DateOnly? EndDate, string Zone, int Index)
{
    /// <summary>One instance per schedule: a second start (a retried create, the sweep) finds this one.</summary>
    public static string InstanceId(string tenantId, string scheduleId) => $"shipment-schedule~{tenantId}~{scheduleId}";
}

internal sealed record ScheduledDelivery(string TenantId, string ScheduleId, int Index, DateOnly? Date);

/// <summary>
/// A shipment schedule as a durable orchestration (ADR 0007), one delivery per generation: wait until the delivery's
/// date begins in the tenant's zone (a date already past, after downtime or for a start in the past, does not wait),
/// make its shipment, then continue as new with the next index, so the history stays one delivery long. The
/// activities decide whether the schedule still runs (cancelled, contract no longer active, nothing left).
/// </summary>
internal sealed class ShipmentScheduleRun : TaskOrchestrator<ScheduleRun, string>
{
    public const string Continue = "continue";

    private static readonly TaskOptions Retried = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(1)));

    public override async Task<string> RunAsync(TaskOrchestrationContext context, ScheduleRun run)
    {
        if (DeliveryDates.Of(run.Period, run.StartDate, run.EndDate, run.Index) is not { } date)
        {
            return await context.CallActivityAsync<string>(nameof(EndShipmentSchedule), new ScheduledDelivery(run.TenantId, run.ScheduleId, run.Index, null), Retried);
        }
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(run.Zone, out var found) ? found : TimeZoneInfo.Utc;
        var due = DeliveryDates.StartOf(date, zone).UtcDateTime;
        if (due > context.CurrentUtcDateTime)
        {
            context.SetCustomStatus(new { nextDate = date, due });
            // The SDK splits a timer longer than its maximum into shorter ones, so a quarter's wait is fine.
            await context.CreateTimer(due, CancellationToken.None);
        }
        var outcome = await context.CallActivityAsync<string>(nameof(MakeScheduledShipment), new ScheduledDelivery(run.TenantId, run.ScheduleId, run.Index, date), Retried);
        if (outcome != Continue)
        {
            return outcome;
        }
        context.ContinueAsNew(run with { Index = run.Index + 1 });
        return Continue;
    }
}

/// <summary>
/// Makes one delivery's shipment, at most once: the create carries a mark of the schedule and the date, stored in the
/// shipment's own transaction, so a rerun of the activity (a crash before its result was saved) finds it made. Ends
/// the schedule instead when the contract is no longer active or nothing remains of the delivery's products.
/// </summary>
internal sealed class MakeScheduledShipment(ShipmentSchedules schedules) : TaskActivity<ScheduledDelivery, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, ScheduledDelivery input) =>
        schedules.DeliverAsync(input.TenantId, input.ScheduleId, input.Index, input.Date!.Value, CancellationToken.None);
}

/// <summary>The last date has passed: the schedule ends (unless it was cancelled or ended already).</summary>
internal sealed class EndShipmentSchedule(ShipmentSchedules schedules) : TaskActivity<ScheduledDelivery, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, ScheduledDelivery input)
    {
        await schedules.EndAsync(input.TenantId, input.ScheduleId, "The last delivery date has passed.", CancellationToken.None);
        return "ended";
    }
}
