using Microsoft.DurableTask;

namespace Crm.UnitTests.Orchestrations;

internal sealed record ApprovalRequest(string DocumentId, TimeSpan Timeout);

internal sealed record ApprovalDecision(string Approver, bool Approved);

internal sealed record ApprovalOutcome(string DocumentId, string Outcome);

/// <summary>
/// The shape of a one-step approval: tell the approvers, then wait for a decision or the deadline, whichever comes
/// first, and record the outcome. Deterministic: time comes from the context, waiting from the context's timer.
/// </summary>
internal sealed class SampleApproval : TaskOrchestrator<ApprovalRequest, string>
{
    public const string DecisionEvent = "decision";
    public const string Waiting = "waiting";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, ApprovalRequest input)
    {
        await context.CallActivityAsync(nameof(NotifyApprovers), input.DocumentId);
        context.SetCustomStatus(Waiting);

        using var deadline = new CancellationTokenSource();
        var decision = context.WaitForExternalEvent<ApprovalDecision>(DecisionEvent);
        var timer = context.CreateTimer(context.CurrentUtcDateTime.Add(input.Timeout), deadline.Token);
        string outcome;
        if (await Task.WhenAny(decision, timer) == decision)
        {
            // The timer is no longer wanted; cancelling it lets the instance finish before it would have fired.
            deadline.Cancel();
            outcome = decision.Result.Approved ? "approved" : "rejected";
        }
        else
        {
            outcome = "timed-out";
        }
        await context.CallActivityAsync(nameof(RecordOutcome), new ApprovalOutcome(input.DocumentId, outcome));
        return outcome;
    }
}

/// <summary>
/// The first step's side effect (in the real flows: an in-app notification). Idempotent the only way that survives a
/// crash between doing it and the framework saving the result: the effect is a write keyed by the instance and step,
/// so a second run finds it done and changes nothing.
/// </summary>
internal sealed class NotifyApprovers(ApprovalLedger ledger, TestWorker worker) : TaskActivity<string, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        await ledger.RecordAttemptAsync(context.InstanceId, "notify", worker.Name);
        var firstTime = await ledger.RecordEffectOnceAsync(context.InstanceId, "notify");
        // Tests hold the activity here, after its effect and before its result is saved, to crash the worker mid-activity.
        await worker.Gate(context.InstanceId);
        return firstTime;
    }
}

/// <summary>The last step's side effect (in the real flows: the document's status change), keyed the same way.</summary>
internal sealed class RecordOutcome(ApprovalLedger ledger, TestWorker worker) : TaskActivity<ApprovalOutcome, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ApprovalOutcome input)
    {
        await ledger.RecordAttemptAsync(context.InstanceId, "outcome", worker.Name);
        return await ledger.RecordEffectOnceAsync(context.InstanceId, "outcome", input.Outcome);
    }
}

/// <summary>Which test host ran an activity, and where a test may hold it (<see cref="Gate"/>).</summary>
internal sealed record TestWorker(string Name, Func<string, Task> Gate)
{
    public static TestWorker Open(string name) => new(name, _ => Task.CompletedTask);
}
