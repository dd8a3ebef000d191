using Crm.Domain.Common;

namespace Crm.Domain.Approvals;

/// <summary>Who approves a step: named users, everyone holding a role, or the submitter's superior some levels up.</summary>
public enum ApproverKind
{
    Users,
    Role,
    Superior,
}

/// <summary>Whether a step completes on the first approval (会签 "or") or needs every approver (会签 "and").</summary>
public enum StepMode
{
    AnyOne,
    All,
}

/// <summary>
/// The approvers of a step. They are resolved when the step starts (roles and superiors from the org chart of that
/// moment), so a later change of role or superior does not move a step already waiting.
/// </summary>
public sealed record ApproverRule
{
    public ApproverKind Kind { get; init; }

    /// <summary>For <see cref="ApproverKind.Users"/>.</summary>
    public IReadOnlyList<string>? UserIds { get; init; }

    /// <summary>For <see cref="ApproverKind.Role"/>.</summary>
    public string? RoleId { get; init; }

    /// <summary>For <see cref="ApproverKind.Superior"/>: 1 is the submitter's superior, 2 the superior's superior.</summary>
    public int? Levels { get; init; }
}

/// <summary>One step of a flow, with its reminder and escalation times (hours of waiting, not working hours).</summary>
public sealed record ApprovalStep
{
    public string Name { get; init; } = "";
    public ApproverRule Approvers { get; init; } = new();
    public StepMode Mode { get; init; } = StepMode.AnyOne;

    /// <summary>The approvers still to decide are reminded once after this many hours.</summary>
    public int? RemindAfterHours { get; init; }

    /// <summary>After this many hours the step is escalated: to <see cref="EscalateToUserId"/>, else to each waiting approver's superior.</summary>
    public int? EscalateAfterHours { get; init; }

    public string? EscalateToUserId { get; init; }
}

/// <summary>What a condition looks at: the document's amount, its customer's level, or the submitter's department.</summary>
public enum ConditionField
{
    Amount,
    CustomerLevel,
    Department,
}

public enum ConditionOperator
{
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    In,
    NotIn,
}

/// <summary>
/// One test of a flow's conditions. Amounts compare with <see cref="Amount"/> (gt, ge, lt, le, eq); a customer level
/// and a department are tested with <see cref="Values"/> (in, notIn). A department matches its sub-departments too.
/// </summary>
public sealed record ApprovalCondition
{
    public ConditionField Field { get; init; }
    public ConditionOperator Operator { get; init; }
    public decimal? Amount { get; init; }
    public IReadOnlyList<string>? Values { get; init; }
}

/// <summary>
/// An approval flow (审批流) for one document type: ordered steps, and conditions that pick it. Of a type's enabled
/// flows, the one with the lowest <see cref="Priority"/> whose conditions all hold is used. <see cref="Revision"/> counts
/// its changes; an approval keeps the revision it started with.
/// </summary>
public sealed record ApprovalFlow : RecordBase
{
    public string Name { get; init; } = "";
    public string DocumentType { get; init; } = "";
    public bool Enabled { get; init; } = true;
    public int Priority { get; init; } = 100;
    public IReadOnlyList<ApprovalCondition> Conditions { get; init; } = [];
    public IReadOnlyList<ApprovalStep> Steps { get; init; } = [];
    public int Revision { get; init; } = 1;
    public string? Description { get; init; }
}

/// <summary>What the conditions of a flow are tested against, read from the document and the submitter at submission.</summary>
/// <param name="DepartmentPath">The submitter's department and its ancestors, nearest first (empty without one).</param>
public sealed record ApprovalFacts(decimal? Amount, string? CustomerLevel, IReadOnlyList<string> DepartmentPath);

/// <summary>The shape of a flow and how a flow is picked.</summary>
public static class ApprovalFlowRules
{
    public const int MaxSteps = 10;
    public const int MaxConditions = 10;
    public const int MaxNamedApprovers = 20;
    public const int MaxSuperiorLevels = 5;
    public const int MaxHours = 24 * 30;

    /// <summary>The problems of a flow, by field (empty when it is sound).</summary>
    public static Dictionary<string, string[]> Problems(ApprovalFlow flow)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (flow.Steps.Count is 0 or > MaxSteps)
        {
            errors["steps"] = [$"A flow has 1 to {MaxSteps} steps."];
        }
        for (var i = 0; i < Math.Min(flow.Steps.Count, MaxSteps); i++)
        {
            StepProblems(flow.Steps[i], $"steps[{i}]", errors);
        }
        if (flow.Conditions.Count > MaxConditions)
        {
            errors["conditions"] = [$"At most {MaxConditions} conditions."];
        }
        for (var i = 0; i < Math.Min(flow.Conditions.Count, MaxConditions); i++)
        {
            ConditionProblems(flow.Conditions[i], $"conditions[{i}]", errors);
        }
        if (flow.Priority is < 0 or > 10_000)
        {
            errors["priority"] = ["0 to 10000; the lowest matching priority is used."];
        }
        return errors;
    }

    private static void StepProblems(ApprovalStep step, string at, Dictionary<string, string[]> errors)
    {
        if (step is null)
        {
            errors[at] = ["A step is an object."];
            return;
        }
        if (string.IsNullOrWhiteSpace(step.Name) || step.Name.Length > 100)
        {
            errors[$"{at}.name"] = ["1 to 100 characters."];
        }
        var rule = step.Approvers ?? new ApproverRule();
        switch (rule.Kind)
        {
            case ApproverKind.Users when rule.UserIds is not { Count: > 0 } ids || ids.Count > MaxNamedApprovers || ids.Any(id => !Ids.IsWellFormed(id)):
                errors[$"{at}.approvers.userIds"] = [$"1 to {MaxNamedApprovers} user ids."];
                break;
            case ApproverKind.Users when rule.UserIds!.Distinct(StringComparer.Ordinal).Count() != rule.UserIds!.Count:
                errors[$"{at}.approvers.userIds"] = ["Each user once."];
                break;
            case ApproverKind.Role when !Ids.IsWellFormed(rule.RoleId):
                errors[$"{at}.approvers.roleId"] = ["A role id."];
                break;
            case ApproverKind.Superior when rule.Levels is not (>= 1 and <= MaxSuperiorLevels):
                errors[$"{at}.approvers.levels"] = [$"1 (the submitter's superior) to {MaxSuperiorLevels}."];
                break;
        }
        if (step.RemindAfterHours is { } remind && remind is < 1 or > MaxHours)
        {
            errors[$"{at}.remindAfterHours"] = [$"1 to {MaxHours} hours."];
        }
        if (step.EscalateAfterHours is { } escalate && escalate is < 1 or > MaxHours)
        {
            errors[$"{at}.escalateAfterHours"] = [$"1 to {MaxHours} hours."];
        }
        else if (step.EscalateAfterHours is { } after && step.RemindAfterHours is { } before && after <= before)
        {
            errors[$"{at}.escalateAfterHours"] = ["Later than the reminder."];
        }
        if (step.EscalateToUserId is { } to && (!Ids.IsWellFormed(to) || step.EscalateAfterHours is null))
        {
            errors[$"{at}.escalateToUserId"] = [step.EscalateAfterHours is null ? "Set escalateAfterHours too." : "A user id."];
        }
    }

    private static void ConditionProblems(ApprovalCondition condition, string at, Dictionary<string, string[]> errors)
    {
        if (condition is null)
        {
            errors[at] = ["A condition is an object."];
            return;
        }
        var onAmount = condition.Field == ConditionField.Amount;
        var comparison = condition.Operator is ConditionOperator.Gt or ConditionOperator.Ge or ConditionOperator.Lt or ConditionOperator.Le or ConditionOperator.Eq;
        if (onAmount != comparison)
        {
            errors[$"{at}.operator"] = [onAmount ? "An amount is compared with gt, ge, lt, le or eq." : "A customer level or department is tested with in or notIn."];
        }
        else if (onAmount && condition.Amount is not { } amount)
        {
            errors[$"{at}.amount"] = ["The amount to compare with."];
        }
        else if (!onAmount && (condition.Values is not { Count: > 0 and <= 50 } values || values.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > 100)))
        {
            errors[$"{at}.values"] = ["1 to 50 values."];
        }
    }

    /// <summary>The flow used for a document: the type's enabled flow of lowest priority (then oldest) whose conditions all hold.</summary>
    public static ApprovalFlow? Select(IEnumerable<ApprovalFlow> flows, string documentType, ApprovalFacts facts) =>
        flows.Where(f => f.Enabled && f.DocumentType == documentType && f.Conditions.All(c => Holds(c, facts)))
            .OrderBy(f => f.Priority).ThenBy(f => f.Id, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>A condition on a fact the document lacks (no amount, no customer level) does not hold, unless it is a notIn.</summary>
    public static bool Holds(ApprovalCondition condition, ApprovalFacts facts) => condition.Field switch
    {
        ConditionField.Amount => facts.Amount is { } amount && condition.Amount is { } limit && condition.Operator switch
        {
            ConditionOperator.Gt => amount > limit,
            ConditionOperator.Ge => amount >= limit,
            ConditionOperator.Lt => amount < limit,
            ConditionOperator.Le => amount <= limit,
            ConditionOperator.Eq => amount == limit,
            _ => false,
        },
        ConditionField.CustomerLevel => Tests(condition, facts.CustomerLevel is { } level && (condition.Values ?? []).Contains(level, StringComparer.Ordinal)),
        ConditionField.Department => Tests(condition, facts.DepartmentPath.Any(d => (condition.Values ?? []).Contains(d, StringComparer.Ordinal))),
        _ => false,
    };

    private static bool Tests(ApprovalCondition condition, bool contained) => condition.Operator switch
    {
        ConditionOperator.In => contained,
        ConditionOperator.NotIn => !contained,
        _ => false,
    };
}
