using Microsoft.DurableTask.Client;

namespace Crm.UnitTests.Orchestrations;

/// <summary>Two replicas on one task hub: they share the work, and no instance runs to completion twice.</summary>
public sealed class TwoWorkerTests
{
    private const int Instances = 20;

    [Fact]
    public async Task CompleteEveryInstanceOnceBetweenThem()
    {
        await using var scope = new TaskHubScope();
        var a = await scope.StartHostAsync(activities: TestWorker.Open("a"));
        var b = await scope.StartHostAsync(activities: TestWorker.Open("b"));
        var client = TaskHubScope.Client(a);

        var ids = await Task.WhenAll(Enumerable.Range(0, Instances).Select(i => client.ScheduleNewOrchestrationInstanceAsync(
            nameof(SampleApproval), new ApprovalRequest($"po-{i}", TimeSpan.FromMinutes(5)))));
        await Task.WhenAll(ids.Select(id => TaskHubScope.WaitUntilWaitingAsync(client, id, TimeSpan.FromSeconds(60))));
        // Decisions come through either replica's client.
        await Task.WhenAll(ids.Select((id, i) => TaskHubScope.Client(i % 2 == 0 ? a : b)
            .RaiseEventAsync(id, SampleApproval.DecisionEvent, new ApprovalDecision("u1", Approved: true))));
        var done = await Task.WhenAll(ids.Select(id => TaskHubScope.CompletionAsync(client, id, TimeSpan.FromSeconds(60))));

        Assert.All(done, d => Assert.Equal(OrchestrationRuntimeStatus.Completed, d.RuntimeStatus));
        var workers = new List<string>();
        foreach (var id in ids)
        {
            var notified = await scope.Ledger.AttemptsAsync(id, "notify");
            var recorded = await scope.Ledger.AttemptsAsync(id, "outcome");
            Assert.Single(notified);
            Assert.Single(recorded);
            Assert.Equal(1, await scope.Ledger.EffectsAsync(id, "outcome"));
            workers.AddRange(notified.Concat(recorded));
        }
        // Activities come off one shared work-item queue that both replicas poll.
        Assert.Contains("a", workers);
        Assert.Contains("b", workers);
    }
}
