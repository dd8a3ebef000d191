using Crm.Domain.Common;

namespace Crm.Domain.Approvals;

public enum ApprovalOutcome
{
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

/// <summary>A decision on a seat: by its approver, or by a delegate an escalation added (then <see cref="OnBehalfOf"/> names the approver).</summary>
public sealed record ApprovalDecision(string UserId, bool Approved, string? Comment, DateTimeOffset At, string? OnBehalfOf = null);

/// <summary>One approver's place in a step; <see cref="Delegates"/> (added by escalation) may decide in their stead.</summary>
public sealed record ApprovalSeat(string ApproverId, IReadOnlyList<string> Delegates, ApprovalDecision? Decision = null)
{
    public bool Holds(string userId) => ApproverId == userId || Delegates.Contains(userId, StringComparer.Ordinal);
}

/// <summary>A step as it runs: who sits in it, what they decided, and how it ended.</summary>
public sealed record StepProgress
{
    public int Index { get; init; }
    public string Name { get; init; } = "";
    public StepMode Mode { get; init; }
    public IReadOnlyList<ApprovalSeat> Seats { get; init; } = [];
    public DateTimeOffset StartedAt { get; init; }
    public ApprovalOutcome Outcome { get; init; } = ApprovalOutcome.Pending;
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset? RemindedAt { get; init; }
    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>The users who may decide now: approvers and delegates of undecided seats.</summary>
    public IEnumerable<string> Waiting() => Outcome != ApprovalOutcome.Pending ? []
        : Seats.Where(s => s.Decision is null).SelectMany(s => s.Delegates.Prepend(s.ApproverId)).Distinct(StringComparer.Ordinal);
}

/// <summary>
/// How a step moves: pure functions, so the orchestration that runs an approval replays them deterministically. Any
/// rejection rejects the step; an any-one step is approved by its first approval, an all step by every seat's.
/// </summary>
public static class ApprovalProgressRules
{
    public const int MaxComment = 2000;

    public static StepProgress Start(int index, ApprovalStep step, IReadOnlyList<string> approvers, DateTimeOffset now)
    {
        if (approvers.Count == 0)
        {
            throw new ConflictException("approval.no_approvers", $"The step '{step.Name}' has nobody to approve it.");
        }
        return new StepProgress
        {
            Index = index,
            Name = step.Name,
            Mode = step.Mode,
            Seats = [.. approvers.Distinct(StringComparer.Ordinal).Select(a => new ApprovalSeat(a, []))],
            StartedAt = now,
        };
    }

    /// <summary>
    /// Records a decision on every undecided seat the user holds. The same decision again by the same user changes
    /// nothing (a repeated event); a different one after deciding is refused.
    /// </summary>
    public static StepProgress Decide(StepProgress step, string userId, bool approve, string? comment, DateTimeOffset now)
    {
        comment = TextNormalizer.Trimmed(comment);
        if (!approve && comment is null)
        {
            throw new ValidationException("comment", "Say why the document is rejected.", "approval.comment_required");
        }
        if (comment is { Length: > MaxComment })
        {
            throw new ValidationException("comment", $"At most {MaxComment} characters.");
        }
        var held = step.Seats.Where(s => s.Holds(userId)).ToList();
        if (held.Count == 0)
        {
            throw new ForbiddenException("approval.not_approver", $"You are not an approver of the step '{step.Name}'.");
        }
        if (held.Any(s => s.Decision is { } d && d.UserId == userId && d.Approved == approve) && held.All(s => s.Decision is not null))
        {
            return step;
        }
        if (step.Outcome != ApprovalOutcome.Pending || held.All(s => s.Decision is not null))
        {
            throw new ConflictException("approval.step_closed", step.Outcome != ApprovalOutcome.Pending
                ? $"The step '{step.Name}' is already {Camel(step.Outcome)}."
                : $"You have already decided on the step '{step.Name}'.");
        }
        var decided = step with
        {
            Seats = [.. step.Seats.Select(s => s.Decision is null && s.Holds(userId)
                ? s with { Decision = new ApprovalDecision(userId, approve, comment, now, s.ApproverId == userId ? null : s.ApproverId) }
                : s)],
        };
        var outcome = !approve ? ApprovalOutcome.Rejected
            : decided.Mode == StepMode.AnyOne || decided.Seats.All(s => s.Decision is { Approved: true }) ? ApprovalOutcome.Approved
            : ApprovalOutcome.Pending;
        return outcome == ApprovalOutcome.Pending ? decided : decided with { Outcome = outcome, ClosedAt = now };
    }

    /// <summary>
    /// Adds a delegate to each undecided seat: the named user, else the seat's approver's superior (a seat whose
    /// approver has none keeps waiting on the approver alone).
    /// </summary>
    public static StepProgress Escalate(StepProgress step, string? toUserId, Func<string, string?> superiorOf, DateTimeOffset now) =>
        step.Outcome != ApprovalOutcome.Pending ? step : step with
        {
            Seats = [.. step.Seats.Select(s => s.Decision is not null || (toUserId ?? superiorOf(s.ApproverId)) is not { } to || s.Holds(to)
                ? s
                : s with { Delegates = [.. s.Delegates, to] })],
            EscalatedAt = now,
        };

    public static StepProgress Withdraw(StepProgress step, DateTimeOffset now) =>
        step.Outcome != ApprovalOutcome.Pending ? step : step with { Outcome = ApprovalOutcome.Withdrawn, ClosedAt = now };

    public static string Camel(ApprovalOutcome outcome) => outcome switch
    {
        ApprovalOutcome.Pending => "pending",
        ApprovalOutcome.Approved => "approved",
        ApprovalOutcome.Rejected => "rejected",
        _ => "withdrawn",
    };
}
