using Crm.Domain.Common;

namespace Crm.Domain.Approvals;

/// <summary>
/// One submission of a document for approval (审批实例): the flow as it was at submission (its revision and steps), each
/// step's progress, and the outcome. The record is where decisions are taken (under its ETag, so of two approvers acting
/// at once on an any-one step exactly one counts); the orchestration that runs it waits on timers for reminders and
/// escalation, starts each next step and moves the document's status.
/// </summary>
public sealed record ApprovalInstance : RecordBase
{
    public string DocumentType { get; init; } = "";
    public string DocumentId { get; init; } = "";
    public string DocumentName { get; init; } = "";
    public string SubmitterId { get; init; } = "";
    public DateTimeOffset SubmittedAt { get; init; }
    public string FlowId { get; init; } = "";
    public string FlowName { get; init; } = "";
    public int FlowRevision { get; init; }

    /// <summary>The flow's steps at submission: a flow edited later does not change this approval.</summary>
    public IReadOnlyList<ApprovalStep> FlowSteps { get; init; } = [];

    /// <summary>The steps started so far; the last is the current one while the approval is pending.</summary>
    public IReadOnlyList<StepProgress> Steps { get; init; } = [];

    /// <summary>What picked the flow: the document's amount and customer level, the submitter's departments.</summary>
    public ApprovalFacts? Facts { get; init; }

    public ApprovalOutcome Outcome { get; init; } = ApprovalOutcome.Pending;
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Set when the document was approved at submission without a flow: <c>switchedOff</c> or <c>noFlow</c>.</summary>
    public string? ApprovedAtOnce { get; init; }

    /// <summary>When the document's status was moved to the outcome (the last thing the orchestration does).</summary>
    public DateTimeOffset? SettledAt { get; init; }

    /// <summary>The users who may decide now (kept for the inbox's index).</summary>
    public IReadOnlyList<string> Waiting { get; init; } = [];

    public StepProgress? Current => Outcome == ApprovalOutcome.Pending && Steps.Count > 0 ? Steps[^1] : null;
}

/// <summary>How an approval moves from step to step, as pure functions over the record.</summary>
public static class ApprovalInstanceRules
{
    public static ApprovalInstance Begin(ApprovalInstance submitted, IReadOnlyList<string> firstApprovers, DateTimeOffset now) =>
        Refresh(submitted with { Steps = [ApprovalProgressRules.Start(0, submitted.FlowSteps[0], firstApprovers, now)] });

    /// <summary>
    /// A decision on the current step (<paramref name="stepIndex"/> must name it: a decision made on a page showing an
    /// older step is refused rather than applied to the next one).
    /// </summary>
    public static ApprovalInstance Decide(ApprovalInstance instance, int stepIndex, string userId, bool approve, string? comment, DateTimeOffset now)
    {
        if (instance.Current is not { } current || current.Index != stepIndex)
        {
            // The same decision repeated after it closed the step or the approval changes nothing.
            if (instance.Steps.ElementAtOrDefault(stepIndex) is { } earlier && earlier.Seats.Any(s => s.Decision is { } d && d.UserId == userId && d.Approved == approve))
            {
                return instance;
            }
            throw new ConflictException("approval.step_closed", instance.Outcome == ApprovalOutcome.Pending
                ? "That step is no longer the current one; read the approval again."
                : $"This approval is already {ApprovalProgressRules.Camel(instance.Outcome)}.");
        }
        var step = ApprovalProgressRules.Decide(current, userId, approve, comment, now);
        if (ReferenceEquals(step, current))
        {
            return instance;
        }
        var steps = instance.Steps.SetItem(instance.Steps.Count - 1, step);
        var outcome = step.Outcome switch
        {
            ApprovalOutcome.Rejected => ApprovalOutcome.Rejected,
            ApprovalOutcome.Approved when step.Index == instance.FlowSteps.Count - 1 => ApprovalOutcome.Approved,
            _ => ApprovalOutcome.Pending,
        };
        return Refresh(instance with { Steps = steps, Outcome = outcome, ClosedAt = outcome == ApprovalOutcome.Pending ? null : now });
    }

    /// <summary>The step after an approved current one, once its approvers are resolved; nothing when it already started.</summary>
    public static ApprovalInstance Advance(ApprovalInstance instance, int nextIndex, IReadOnlyList<string> approvers, DateTimeOffset now)
    {
        if (instance.Outcome != ApprovalOutcome.Pending || instance.Steps.Count != nextIndex || instance.Steps[^1].Outcome != ApprovalOutcome.Approved)
        {
            return instance;
        }
        return Refresh(instance with { Steps = [.. instance.Steps, ApprovalProgressRules.Start(nextIndex, instance.FlowSteps[nextIndex], approvers, now)] });
    }

    /// <summary>Whether the current step is approved and another follows (the orchestration then starts it).</summary>
    public static bool AwaitsNextStep(ApprovalInstance instance) =>
        instance.Outcome == ApprovalOutcome.Pending && instance.Steps.Count > 0 && instance.Steps[^1].Outcome == ApprovalOutcome.Approved
        && instance.Steps.Count < instance.FlowSteps.Count;

    /// <summary>The current step's approvers reminded (once); nothing when it was already or the approval is closed.</summary>
    public static ApprovalInstance Remind(ApprovalInstance instance, DateTimeOffset now) =>
        instance.Current is { RemindedAt: null } current
            ? instance with { Steps = instance.Steps.SetItem(instance.Steps.Count - 1, current with { RemindedAt = now }) }
            : instance;

    /// <summary>The current step escalated (once): see <see cref="ApprovalProgressRules.Escalate"/>.</summary>
    public static ApprovalInstance Escalate(ApprovalInstance instance, Func<string, string?> superiorOf, DateTimeOffset now) =>
        instance.Current is { EscalatedAt: null } current
            ? Refresh(instance with
            {
                Steps = instance.Steps.SetItem(instance.Steps.Count - 1,
                    ApprovalProgressRules.Escalate(current, instance.FlowSteps[current.Index].EscalateToUserId, superiorOf, now)),
            })
            : instance;

    /// <summary>When the current step's reminder and escalation fall due (null: none, or done already).</summary>
    public static (DateTimeOffset? Remind, DateTimeOffset? Escalate) Deadlines(ApprovalInstance instance)
    {
        if (instance.Current is not { } current)
        {
            return (null, null);
        }
        var step = instance.FlowSteps[current.Index];
        return (current.RemindedAt is null && step.RemindAfterHours is { } remind ? current.StartedAt.AddHours(remind) : null,
            current.EscalatedAt is null && step.EscalateAfterHours is { } escalate ? current.StartedAt.AddHours(escalate) : null);
    }

    /// <summary>Only the submitter withdraws, and only before the end.</summary>
    public static ApprovalInstance Withdraw(ApprovalInstance instance, string userId, DateTimeOffset now)
    {
        if (userId != instance.SubmitterId)
        {
            throw new ForbiddenException("approval.not_submitter", "Only the submitter withdraws a document from approval.");
        }
        if (instance.Outcome != ApprovalOutcome.Pending)
        {
            throw new ConflictException("approval.step_closed", $"This approval is already {ApprovalProgressRules.Camel(instance.Outcome)}.");
        }
        var steps = instance.Steps.Count == 0 ? instance.Steps : instance.Steps.SetItem(instance.Steps.Count - 1, ApprovalProgressRules.Withdraw(instance.Steps[^1], now));
        return Refresh(instance with { Steps = steps, Outcome = ApprovalOutcome.Withdrawn, ClosedAt = now });
    }

    private static ApprovalInstance Refresh(ApprovalInstance instance) =>
        instance with { Waiting = instance.Current is { } current ? [.. current.Waiting()] : [] };

    private static IReadOnlyList<T> SetItem<T>(this IReadOnlyList<T> list, int index, T item) => [.. list.Select((x, i) => i == index ? item : x)];
}
