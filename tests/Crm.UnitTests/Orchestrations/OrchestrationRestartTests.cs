using Microsoft.DurableTask.Client;

namespace Crm.UnitTests.Orchestrations;

/// <summary>
/// Workers stop and start while instances are in flight: the state is in the task hub, so a new worker on the same hub
/// finishes each instance, and the activities' effects happen once.
/// </summary>
public sealed class OrchestrationRestartTests
{
    [Fact]
    public async Task CompletesAfterTheWorkerRestartsWhileItWaitsForTheDecision()
    {
        await using var scope = new TaskHubScope();
        var first = await scope.StartHostAsync();
        var id = await TaskHubScope.Client(first).ScheduleNewOrchestrationInstanceAsync(
            nameof(SampleApproval), new ApprovalRequest("contract-1", TimeSpan.FromMinutes(5)));
        await TaskHubScope.WaitUntilWaitingAsync(TaskHubScope.Client(first), id);
        await scope.StopAsync(first);

        // The API role raises the decision while no worker runs; the event waits in the hub's control queue.
        var api = await scope.StartHostAsync(worker: false);
        await TaskHubScope.Client(api).RaiseEventAsync(id, SampleApproval.DecisionEvent, new ApprovalDecision("u1", Approved: false));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await TaskHubScope.Client(api).GetInstanceAsync(id))!.RuntimeStatus);
        // It also starts an instance, which stays pending until a worker runs.
        var later = await TaskHubScope.Client(api).ScheduleNewOrchestrationInstanceAsync(
            nameof(SampleApproval), new ApprovalRequest("contract-7", TimeSpan.FromSeconds(1)));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await TaskHubScope.Client(api).GetInstanceAsync(later))!.RuntimeStatus);

        var second = await scope.StartHostAsync();
        var done = await TaskHubScope.CompletionAsync(TaskHubScope.Client(second), id);

        Assert.Equal("rejected", done.ReadOutputAs<string>());
        Assert.Equal("timed-out", (await TaskHubScope.CompletionAsync(TaskHubScope.Client(api), later)).ReadOutputAs<string>());
        Assert.Single(await scope.Ledger.AttemptsAsync(id, "notify"));
        Assert.Equal(1, await scope.Ledger.EffectsAsync(id, "outcome"));
    }

    [Fact]
    public async Task RunsAnActivityAgainAfterACrashMidActivityAndItsEffectHappensOnce()
    {
        await using var scope = new TaskHubScope();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverReleased = new TaskCompletionSource();
        // The first worker's activity makes its effect, then hangs before its result is saved, as if the process died there.
        var first = await scope.StartHostAsync(activities: new TestWorker("first", _ =>
        {
            entered.TrySetResult();
            return neverReleased.Task;
        }));
        var id = await TaskHubScope.Client(first).ScheduleNewOrchestrationInstanceAsync(
            nameof(SampleApproval), new ApprovalRequest("contract-2", TimeSpan.FromMinutes(5)));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await scope.StopAsync(first);

        try
        {
            var second = await scope.StartHostAsync(activities: TestWorker.Open("second"));
            var client = TaskHubScope.Client(second);
            // The activity's message comes back once its visibility timeout lapses; the second worker runs it again.
            await TaskHubScope.WaitUntilWaitingAsync(client, id, TimeSpan.FromSeconds(40));
            await client.RaiseEventAsync(id, SampleApproval.DecisionEvent, new ApprovalDecision("u1", Approved: true));
            var done = await TaskHubScope.CompletionAsync(client, id);

            Assert.Equal("approved", done.ReadOutputAs<string>());
            Assert.Equal(["first", "second"], (await scope.Ledger.AttemptsAsync(id, "notify")).Order());
            Assert.Equal(1, await scope.Ledger.EffectsAsync(id, "notify"));
            Assert.Equal(1, await scope.Ledger.EffectsAsync(id, "outcome"));
        }
        finally
        {
            neverReleased.TrySetResult();
        }
    }

    [Fact]
    public async Task FiresATimerThatCameDueWhileNoWorkerRan()
    {
        await using var scope = new TaskHubScope();
        var first = await scope.StartHostAsync();
        var id = await TaskHubScope.Client(first).ScheduleNewOrchestrationInstanceAsync(
            nameof(SampleApproval), new ApprovalRequest("contract-3", TimeSpan.FromSeconds(3)));
        await TaskHubScope.WaitUntilWaitingAsync(TaskHubScope.Client(first), id);
        var due = DateTimeOffset.UtcNow.AddSeconds(3);
        await scope.StopAsync(first);
        var idle = due - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (idle > TimeSpan.Zero)
        {
            await Task.Delay(idle);
        }

        var second = await scope.StartHostAsync();
        var done = await TaskHubScope.CompletionAsync(TaskHubScope.Client(second), id);

        Assert.Equal("timed-out", done.ReadOutputAs<string>());
        Assert.Single(await scope.Ledger.AttemptsAsync(id, "outcome"));
    }

    [Fact]
    public async Task CountsADecisionRaisedTwiceOnce()
    {
        await using var scope = new TaskHubScope();
        var worker = await scope.StartHostAsync();
        var client = TaskHubScope.Client(worker);
        var online = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleApproval), new ApprovalRequest("contract-4", TimeSpan.FromMinutes(5)));
        var offline = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleApproval), new ApprovalRequest("contract-5", TimeSpan.FromMinutes(5)));
        await TaskHubScope.WaitUntilWaitingAsync(client, online);
        await TaskHubScope.WaitUntilWaitingAsync(client, offline);

        // A double click while the worker runs...
        var decision = new ApprovalDecision("u1", Approved: true);
        await Task.WhenAll(
            client.RaiseEventAsync(online, SampleApproval.DecisionEvent, decision),
            client.RaiseEventAsync(online, SampleApproval.DecisionEvent, decision));
        await TaskHubScope.CompletionAsync(client, online);
        // ...and a retried request while it is down, so both copies reach the instance in one batch.
        await scope.StopAsync(worker);
        var api = await scope.StartHostAsync(worker: false);
        await TaskHubScope.Client(api).RaiseEventAsync(offline, SampleApproval.DecisionEvent, decision);
        await TaskHubScope.Client(api).RaiseEventAsync(offline, SampleApproval.DecisionEvent, decision);
        var restarted = await scope.StartHostAsync();
        await TaskHubScope.CompletionAsync(TaskHubScope.Client(restarted), offline);

        foreach (var id in new[] { online, offline })
        {
            Assert.Equal("approved", (await TaskHubScope.Client(restarted).GetInstanceAsync(id, getInputsAndOutputs: true))!.ReadOutputAs<string>());
            Assert.Single(await scope.Ledger.AttemptsAsync(id, "outcome"));
            Assert.Equal(1, await scope.Ledger.EffectsAsync(id, "outcome"));
        }
    }

    [Fact]
    public async Task CompletesWhenAnActivityOutlastsTheMessageVisibilityTimeout()
    {
        // The preview sidecar does not renew an activity's message while the activity runs, so one that outlasts the
        // visibility timeout (5 s here, 5 min by default) is handed out again. The backend sees that this process
        // already runs it and does not start it twice here; another replica would (ADR 0007: keep activities short,
        // and idempotent). Deleting the message after the late result then fails, and it comes back until a restart.
        await using var scope = new TaskHubScope();
        var calls = 0;
        var host = await scope.StartHostAsync(activities: new TestWorker("slow", _ =>
            Interlocked.Increment(ref calls) == 1 ? Task.Delay(TimeSpan.FromSeconds(8)) : Task.CompletedTask));
        var client = TaskHubScope.Client(host);
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleApproval), new ApprovalRequest("contract-6", TimeSpan.FromMinutes(5)));
        await TaskHubScope.WaitUntilWaitingAsync(client, id, TimeSpan.FromSeconds(30));
        await client.RaiseEventAsync(id, SampleApproval.DecisionEvent, new ApprovalDecision("u1", Approved: true));
        var done = await TaskHubScope.CompletionAsync(client, id);

        Assert.Equal("approved", done.ReadOutputAs<string>());
        Assert.Single(await scope.Ledger.AttemptsAsync(id, "notify"));
        Assert.Equal(1, await scope.Ledger.EffectsAsync(id, "notify"));
        Assert.Single(await scope.Ledger.AttemptsAsync(id, "outcome"));
    }
}
