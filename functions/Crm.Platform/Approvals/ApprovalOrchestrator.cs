using Crm.Domain.Approvals;
using Crm.Domain.Organisation;
using Crm.Platform.Notifications;
using Crm.Storage.Approvals;
using Crm.Storage.Records;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Approvals;

public sealed record ApprovalRun(string TenantId, string ApprovalId);

/// <summary>An <see cref="AdvanceApproval"/> call: the approval, and the orchestration's time (deterministic on replay).</summary>
public sealed record ApprovalAdvance(ApprovalRun Run, DateTimeOffset AsOf);

/// <summary>Where an approval stands after an advance: ended, or when its next reminder or escalation falls due.</summary>
public sealed record ApprovalPace(bool Closed, DateTimeOffset? NextDue);

public sealed class ApprovalOptions
{
    public const string Section = "Approvals";

    /// <summary>
    /// How long an orchestration waits without a signal before it reads its approval again: what bounds the delay of a
    /// decision whose signal was lost (the process stopped between writing it and signalling).
    /// </summary>
    public TimeSpan Recheck { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Runs one approval. Each generation advances it (first step, next step, reminder, escalation: whatever is due), then
/// waits for a signal (a decision or withdrawal was written) or its next deadline, and continues as new, so its history
/// stays a few events however long the approval waits. At the end it moves the document's status. Deterministic: all
/// reading and writing is in the activities, which are idempotent (each step applies only if not applied yet).
/// </summary>
public sealed class ApprovalOrchestrator : TaskOrchestrator<ApprovalRun, string?>
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(10, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(1)));

    public override async Task<string?> RunAsync(TaskOrchestrationContext context, ApprovalRun input)
    {
        var recheck = await context.CallActivityAsync<TimeSpan>(nameof(ApprovalRecheck), null, Retry);
        var pace = await context.CallActivityAsync<ApprovalPace>(nameof(AdvanceApproval), new ApprovalAdvance(input, context.CurrentUtcDateTime), Retry);
        if (pace.Closed)
        {
            return await context.CallActivityAsync<string>(nameof(ConcludeApproval), input, Retry);
        }
        var wake = context.CurrentUtcDateTime.Add(recheck);
        if (pace.NextDue is { } due && due.UtcDateTime < wake)
        {
            wake = due.UtcDateTime;
        }
        using (var waiting = new CancellationTokenSource())
        {
            var signal = context.WaitForExternalEvent<int>(Approvals.ChangedEvent, waiting.Token);
            var timer = context.CreateTimer(wake, waiting.Token);
            await Task.WhenAny(signal, timer);
            // Neither wait may outlive this generation: an event left to a stale waiter would be lost.
            waiting.Cancel();
        }
        context.ContinueAsNew(input);
        return null;
    }
}

/// <summary>The recheck interval, read through an activity so a configuration change never alters a replay.</summary>
public sealed class ApprovalRecheck(IOptions<ApprovalOptions> options) : TaskActivity<object?, TimeSpan>
{
    public override Task<TimeSpan> RunAsync(TaskActivityContext context, object? input) => Task.FromResult(options.Value.Recheck);
}

public sealed class AdvanceApproval(ApprovalProgression progression) : TaskActivity<ApprovalAdvance, ApprovalPace>
{
    public override Task<ApprovalPace> RunAsync(TaskActivityContext context, ApprovalAdvance input) =>
        progression.AdvanceAsync(input.Run.TenantId, input.Run.ApprovalId, input.AsOf, CancellationToken.None);
}

public sealed class ConcludeApproval(ApprovalProgression progression) : TaskActivity<ApprovalRun, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, ApprovalRun input) =>
        progression.ConcludeAsync(input.TenantId, input.ApprovalId, CancellationToken.None);
}

/// <summary>
/// What the orchestration's activities do to an approval. Every change is a rule applied under the approval's ETag
/// that does nothing when already applied, and every notice has a dedupe key, so a step run twice changes nothing.
/// </summary>
public sealed class ApprovalProgression(ApprovalStore store, Approvals approvals, RecordStore<User> users, INotifier notifier, TimeProvider clock)
{
    public async Task<ApprovalPace> AdvanceAsync(string tenantId, string approvalId, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var instance = await store.GetAsync(tenantId, approvalId, cancellationToken);
        if (instance.Outcome == ApprovalOutcome.Pending && (instance.Steps.Count == 0 || ApprovalInstanceRules.AwaitsNextStep(instance)))
        {
            var people = await users.AllAsync(tenantId, cancellationToken).ToListAsync(cancellationToken);
            var next = instance.Steps.Count;
            var approvers = ApproverResolution.Resolve(instance.FlowSteps[next].Approvers, instance.SubmitterId, people).UserIds;
            var now = clock.GetUtcNow();
            instance = await store.UpdateAsync(tenantId, approvalId, i => i.Steps.Count == 0 && next == 0 ? ApprovalInstanceRules.Begin(i, approvers, now)
                : ApprovalInstanceRules.Advance(i, next, approvers, now), cancellationToken: cancellationToken);
        }
        var (remind, escalate) = ApprovalInstanceRules.Deadlines(instance);
        if (escalate is { } escalateAt && escalateAt <= asOf)
        {
            var byId = (await users.AllAsync(tenantId, cancellationToken).ToListAsync(cancellationToken)).ToDictionary(u => u.Id, StringComparer.Ordinal);
            var before = instance.Waiting;
            instance = await store.UpdateAsync(tenantId, approvalId,
                i => ApprovalInstanceRules.Escalate(i, id => ApproverResolution.Superior(byId, id, 1), clock.GetUtcNow()), cancellationToken: cancellationToken);
            foreach (var user in instance.Waiting.Except(before, StringComparer.Ordinal))
            {
                await NotifyAsync(tenantId, instance, user, "approval.escalated", $"Escalated to you: {Title(instance)}", "escalated", cancellationToken);
            }
        }
        else if (remind is { } remindAt && remindAt <= asOf)
        {
            instance = await store.UpdateAsync(tenantId, approvalId, i => ApprovalInstanceRules.Remind(i, clock.GetUtcNow()), cancellationToken: cancellationToken);
            foreach (var user in instance.Waiting)
            {
                await NotifyAsync(tenantId, instance, user, "approval.reminder", $"Still waiting for you: {Title(instance)}", "reminder", cancellationToken);
            }
        }
        if (instance.Current is { } current)
        {
            foreach (var user in current.Seats.Select(s => s.ApproverId))
            {
                await NotifyAsync(tenantId, instance, user, "approval.requested", $"Waiting for your approval: {Title(instance)}", "requested", cancellationToken);
            }
        }
        await store.SyncInboxAsync(tenantId, instance, cancellationToken);
        var (nextRemind, nextEscalate) = ApprovalInstanceRules.Deadlines(instance);
        return new ApprovalPace(instance.Outcome != ApprovalOutcome.Pending, new[] { nextRemind, nextEscalate }.Where(d => d is not null).Min());
    }

    /// <summary>Moves the document to the outcome and tells the submitter; marks the approval settled.</summary>
    public async Task<string> ConcludeAsync(string tenantId, string approvalId, CancellationToken cancellationToken)
    {
        var instance = await store.GetAsync(tenantId, approvalId, cancellationToken);
        var outcome = ApprovalProgressRules.Camel(instance.Outcome);
        if (instance.Outcome == ApprovalOutcome.Pending)
        {
            return outcome;
        }
        var last = (instance.Steps.Count > 0 ? instance.Steps[^1] : null)?.Seats.Select(s => s.Decision).OfType<ApprovalDecision>().OrderBy(d => d.At).LastOrDefault();
        var decidedBy = instance.Outcome == ApprovalOutcome.Withdrawn ? instance.SubmitterId : last?.UserId ?? instance.SubmitterId;
        var comment = instance.Outcome == ApprovalOutcome.Rejected ? last?.Comment : null;
        await approvals.Document(instance.DocumentType).ConcludeAsync(tenantId, instance.DocumentId, instance.Id, instance.Outcome, decidedBy, comment,
            instance.ClosedAt ?? clock.GetUtcNow(), cancellationToken);
        if (instance.Outcome != ApprovalOutcome.Withdrawn)
        {
            await notifier.NotifyAsync(tenantId, new Notice(instance.SubmitterId, $"approval.{outcome}", $"{Title(instance)} was {outcome}", comment,
                instance.DocumentType, instance.DocumentId), $"approval:{instance.Id}:{outcome}", cancellationToken);
        }
        await store.UpdateAsync(tenantId, approvalId, i => i.SettledAt is null ? i with { SettledAt = clock.GetUtcNow() } : i, cancellationToken: cancellationToken);
        return outcome;
    }

    private Task NotifyAsync(string tenantId, ApprovalInstance instance, string userId, string kind, string title, string key, CancellationToken cancellationToken) =>
        notifier.NotifyAsync(tenantId, new Notice(userId, kind, title, null, instance.DocumentType, instance.DocumentId),
            $"approval:{instance.Id}:{instance.Steps.Count - 1}:{key}:{userId}", cancellationToken);

    private string Title(ApprovalInstance instance) => $"{approvals.Document(instance.DocumentType).Type.Title} {instance.DocumentName}";
}
