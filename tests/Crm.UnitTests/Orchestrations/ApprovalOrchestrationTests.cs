using System.Diagnostics;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace Crm.UnitTests.Orchestrations;

/// <summary>The sample approval on the Azure Storage backend in Azurite, through the in-process sidecar.</summary>
public sealed class ApprovalOrchestrationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CompletesWhenTheDecisionArrives()
    {
        await using var scope = new TaskHubScope();
        var host = await scope.StartHostAsync();
        var client = TaskHubScope.Client(host);

        // Three in a row: the first pays for the partition leases and connections, the others show the warm path.
        OrchestrationMetadata done = null!;
        string id = "";
        for (var run = 1; run <= 3; run++)
        {
            var clock = Stopwatch.StartNew();
            id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleApproval), new ApprovalRequest($"contract-{run}", TimeSpan.FromMinutes(5)));
            await TaskHubScope.WaitUntilWaitingAsync(client, id);
            var waiting = clock.Elapsed;
            await client.RaiseEventAsync(id, SampleApproval.DecisionEvent, new ApprovalDecision("u1", Approved: true));
            done = await TaskHubScope.CompletionAsync(client, id);
            output.WriteLine($"run {run}: first activity done {waiting.TotalMilliseconds:0} ms after start; decision to completion {(clock.Elapsed - waiting).TotalMilliseconds:0} ms");
        }

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("approved", done.ReadOutputAs<string>());
        Assert.Equal(1, await scope.Ledger.EffectsAsync(id, "notify"));
        Assert.Equal(1, await scope.Ledger.EffectsAsync(id, "outcome"));
    }

    [Fact]
    public async Task TimesOutWhenNoDecisionArrivesBeforeTheDeadline()
    {
        await using var scope = new TaskHubScope();
        var host = await scope.StartHostAsync();
        var client = TaskHubScope.Client(host);

        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleApproval), new ApprovalRequest("contract-2", TimeSpan.FromSeconds(2)));
        var done = await TaskHubScope.CompletionAsync(client, id);

        Assert.Equal("timed-out", done.ReadOutputAs<string>());
        Assert.Equal(1, await scope.Ledger.EffectsAsync(id, "outcome"));
    }

    [Fact]
    public async Task DeletingTheTaskHubLeavesNothingBehind()
    {
        await using var scope = new TaskHubScope();
        var host = await scope.StartHostAsync();
        var client = TaskHubScope.Client(host);
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleApproval), new ApprovalRequest("quote-1", TimeSpan.FromSeconds(1)));
        await TaskHubScope.CompletionAsync(client, id);
        var created = await scope.LeftoversAsync();
        await scope.StopAsync(host);

        await scope.DeleteTaskHubAsync();

        // What an operator finds in the account for a hub: its tables, control and work-item queues, lease containers.
        Assert.Contains($"table {scope.TaskHubName}History", created);
        Assert.Contains($"table {scope.TaskHubName}Instances", created);
        Assert.Contains($"queue {scope.TaskHubName}-control-00", created);
        Assert.Contains($"queue {scope.TaskHubName}-control-03", created);
        Assert.Contains($"queue {scope.TaskHubName}-workitems", created);
        Assert.Equal([$"table {scope.Prefix}ledger"], await scope.LeftoversAsync());
    }
}
