using System.Globalization;
using Crm.Commerce.Shipments;
using Crm.Domain.Commerce;
using Crm.Orchestrations;
using Crm.UnitTests.Orchestrations;
using Crm.UnitTests.Triggers;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.UnitTests.Commerce;

/// <summary>
/// The schedule orchestration on a real task hub, its activities replaced by ones that record each delivery once per
/// date (as the real one does with its mark): a worker dies in the middle of the catch-up and a new one finishes it.
/// </summary>
public sealed class ShipmentScheduleRunTests
{
    private static void Activities(IServiceCollection services, TaskHubScope scope, TestWorker worker) =>
        services.AddOrchestrator<ShipmentScheduleRun>().Configure<DurableTaskRegistry>(registry =>
        {
            registry.AddActivityFunc<ScheduledDelivery, string>(nameof(MakeScheduledShipment), async (context, delivery) =>
            {
                var step = delivery.Date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                await scope.Ledger.RecordAttemptAsync(context.InstanceId, step, worker.Name);
                await scope.Ledger.RecordEffectOnceAsync(context.InstanceId, step);
                await worker.Gate(step);
                return ShipmentScheduleRun.Continue;
            });
            registry.AddActivityFunc<ScheduledDelivery, string>(nameof(EndShipmentSchedule), async (context, delivery) =>
            {
                await scope.Ledger.RecordEffectOnceAsync(context.InstanceId, "ended");
                return "ended";
            });
        });

    [Fact]
    public async Task AWorkerKilledDuringTheCatchUpLosesNoDeliveryAndMakesNoneTwice()
    {
        await using var scope = new TaskHubScope();
        var start = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-21);
        var dates = Enumerable.Range(0, 4).Select(i => start.AddDays(7 * i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverReleased = new TaskCompletionSource();
        // The first worker makes the second delivery, then hangs before its result is saved, as if the process died there.
        var hanging = new TestWorker("first", step =>
        {
            if (step != dates[1])
            {
                return Task.CompletedTask;
            }
            entered.TrySetResult();
            return neverReleased.Task;
        });
        var first = await scope.StartHostAsync(activities: hanging, services: s => Activities(s, scope, hanging));
        var instanceId = ScheduleRun.InstanceId("t1", "s1");
        await TaskHubScope.Client(first).ScheduleNewOrchestrationInstanceAsync(nameof(ShipmentScheduleRun),
            new ScheduleRun("t1", "s1", SchedulePeriod.Weekly, start, start.AddDays(21), "UTC", 0), new StartOrchestrationOptions(instanceId));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await scope.StopAsync(first);

        try
        {
            var open = TestWorker.Open("second");
            var second = await scope.StartHostAsync(activities: open, services: s => Activities(s, scope, open));
            // The activity's message comes back once its visibility lapses; the run goes on from there to the end date.
            var done = await TaskHubScope.CompletionAsync(TaskHubScope.Client(second), instanceId, TimeSpan.FromSeconds(60));

            Assert.Equal("ended", done.ReadOutputAs<string>());
            foreach (var date in dates)
            {
                Assert.Equal(1, await scope.Ledger.EffectsAsync(instanceId, date));
            }
            Assert.Equal(["first", "second"], (await scope.Ledger.AttemptsAsync(instanceId, dates[1])).Order());
            Assert.Equal(["first"], await scope.Ledger.AttemptsAsync(instanceId, dates[0]));
            Assert.Equal(1, await scope.Ledger.EffectsAsync(instanceId, "ended"));
        }
        finally
        {
            neverReleased.TrySetResult();
        }
    }

    [Fact]
    public async Task AFutureDeliveryWaitsOnItsTimerAcrossARestart()
    {
        await using var scope = new TaskHubScope();
        var open = TestWorker.Open("w");
        var first = await scope.StartHostAsync(activities: open, services: s => Activities(s, scope, open));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var instanceId = ScheduleRun.InstanceId("t1", "s2");
        await TaskHubScope.Client(first).ScheduleNewOrchestrationInstanceAsync(nameof(ShipmentScheduleRun),
            new ScheduleRun("t1", "s2", SchedulePeriod.Monthly, today.AddDays(-1), null, "UTC", 0), new StartOrchestrationOptions(instanceId));
        var step = today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Eventually.HoldsAsync(async () => await scope.Ledger.EffectsAsync(instanceId, step) == 1, "the due delivery is made", TimeSpan.FromSeconds(30));
        // The next one is a month away: the run waits on its timer, across a restart of the worker.
        await Eventually.HoldsAsync(async () => (await TaskHubScope.Client(first).GetInstanceAsync(instanceId, getInputsAndOutputs: true))?.SerializedCustomStatus
            ?.Contains("nextDate", StringComparison.Ordinal) == true, "the run waits for the next date", TimeSpan.FromSeconds(30));
        await scope.StopAsync(first);
        var second = await scope.StartHostAsync(activities: open, services: s => Activities(s, scope, open));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var state = await TaskHubScope.Client(second).GetInstanceAsync(instanceId, getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Running, state!.RuntimeStatus);
        Assert.Contains(today.AddDays(-1).AddMonths(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), state.SerializedCustomStatus, StringComparison.Ordinal);
        Assert.Equal(1, await scope.Ledger.EffectsAsync(instanceId, step));
        Assert.Single(await scope.Ledger.AttemptsAsync(instanceId, step));
    }
}
