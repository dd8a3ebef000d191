using Crm.Domain.Approvals;
using Crm.Domain.Common;

namespace Crm.UnitTests.Approvals;

public sealed class ApprovalRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private const string Ann = "01aaaaaaaaaaaaaaaaaaaaaaa1";
    private const string Bob = "01aaaaaaaaaaaaaaaaaaaaaaa2";
    private const string Boss = "01aaaaaaaaaaaaaaaaaaaaaaa3";

    private static ApprovalStep Step(StepMode mode) => new() { Name = "Manager", Mode = mode, Approvers = new() { Kind = ApproverKind.Users, UserIds = [Ann, Bob] } };

    private static ApprovalFlow Flow(string id, int priority, params ApprovalCondition[] conditions) =>
        new() { Id = id, Name = id, DocumentType = "contract", Priority = priority, Conditions = conditions, Steps = [Step(StepMode.AnyOne)] };

    [Fact]
    public void TheLowestPriorityFlowWhoseConditionsAllHoldIsPicked()
    {
        var big = Flow("big", 10, new ApprovalCondition { Field = ConditionField.Amount, Operator = ConditionOperator.Gt, Amount = 100_000m });
        var vip = Flow("vip", 20, new ApprovalCondition { Field = ConditionField.CustomerLevel, Operator = ConditionOperator.In, Values = ["vip"] });
        var east = Flow("east", 30, new ApprovalCondition { Field = ConditionField.Department, Operator = ConditionOperator.In, Values = ["east"] });
        var fallback = Flow("any", 100);
        var off = Flow("off", 0) with { Enabled = false };
        var quote = Flow("quote", 0) with { DocumentType = "quote" };
        ApprovalFlow[] flows = [fallback, east, vip, big, off, quote];

        Assert.Equal("big", ApprovalFlowRules.Select(flows, "contract", new(200_000m, "vip", []))!.Id);
        Assert.Equal("vip", ApprovalFlowRules.Select(flows, "contract", new(100_000m, "vip", []))!.Id);
        // A department matches its sub-departments: the path holds the ancestors.
        Assert.Equal("east", ApprovalFlowRules.Select(flows, "contract", new(5m, null, ["east-sales", "east"]))!.Id);
        Assert.Equal("any", ApprovalFlowRules.Select(flows, "contract", new(null, null, []))!.Id);
        Assert.Null(ApprovalFlowRules.Select([big], "contract", new(null, null, [])));
        Assert.True(ApprovalFlowRules.Holds(new ApprovalCondition { Field = ConditionField.CustomerLevel, Operator = ConditionOperator.NotIn, Values = ["vip"] }, new(null, null, [])));
    }

    [Fact]
    public void AFlowsShapeIsChecked()
    {
        var bad = new ApprovalFlow
        {
            Name = "Bad", DocumentType = "contract", Priority = -1,
            Steps =
            [
                new() { Name = "", Approvers = new() { Kind = ApproverKind.Users, UserIds = [] } },
                new() { Name = "S", Approvers = new() { Kind = ApproverKind.Superior, Levels = 9 }, RemindAfterHours = 24, EscalateAfterHours = 12 },
                new() { Name = "R", Approvers = new() { Kind = ApproverKind.Role }, EscalateToUserId = Ann },
            ],
            Conditions = [new() { Field = ConditionField.Amount, Operator = ConditionOperator.In, Values = ["1"] }, new() { Field = ConditionField.Department, Operator = ConditionOperator.In }],
        };
        var problems = ApprovalFlowRules.Problems(bad);
        Assert.Equal(
            ["conditions[0].operator", "conditions[1].values", "priority", "steps[0].approvers.userIds", "steps[0].name", "steps[1].approvers.levels",
                "steps[1].escalateAfterHours", "steps[2].approvers.roleId", "steps[2].escalateToUserId"],
            problems.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("steps", ApprovalFlowRules.Problems(bad with { Steps = [], Priority = 1, Conditions = [] }).Keys);
        Assert.Empty(ApprovalFlowRules.Problems(Flow("ok", 1)));
    }

    [Fact]
    public void AnAnyOneStepIsApprovedByTheFirstApprovalAndRepeatsCountOnce()
    {
        var step = ApprovalProgressRules.Start(0, Step(StepMode.AnyOne), [Ann, Bob, Ann], Now);
        Assert.Equal([Ann, Bob], step.Waiting());
        var approved = ApprovalProgressRules.Decide(step, Ann, true, null, Now);
        Assert.Equal(ApprovalOutcome.Approved, approved.Outcome);
        Assert.Empty(approved.Waiting());
        Assert.Same(approved, ApprovalProgressRules.Decide(approved, Ann, true, null, Now.AddMinutes(1)));
        Assert.Equal("approval.step_closed", Assert.Throws<ConflictException>(() => ApprovalProgressRules.Decide(approved, Bob, true, null, Now)).Code);
        Assert.Equal("approval.step_closed", Assert.Throws<ConflictException>(() => ApprovalProgressRules.Decide(approved, Ann, false, "No", Now)).Code);
        Assert.Equal("approval.not_approver", Assert.Throws<ForbiddenException>(() => ApprovalProgressRules.Decide(step, Boss, true, null, Now)).Code);
    }

    [Fact]
    public void AnAllStepNeedsEverySeatAndAnyRejectionWithACommentEndsIt()
    {
        var step = ApprovalProgressRules.Start(0, Step(StepMode.All), [Ann, Bob], Now);
        var half = ApprovalProgressRules.Decide(step, Ann, true, null, Now);
        Assert.Equal(ApprovalOutcome.Pending, half.Outcome);
        Assert.Equal([Bob], half.Waiting());
        Assert.Equal(ApprovalOutcome.Approved, ApprovalProgressRules.Decide(half, Bob, true, null, Now).Outcome);

        Assert.Equal("approval.comment_required", Assert.Throws<ValidationException>(() => ApprovalProgressRules.Decide(half, Bob, false, " ", Now)).Code);
        var rejected = ApprovalProgressRules.Decide(half, Bob, false, "Price too low", Now);
        Assert.Equal(ApprovalOutcome.Rejected, rejected.Outcome);
        Assert.Equal("Price too low", rejected.Seats[1].Decision!.Comment);
    }

    [Fact]
    public void EscalationLetsTheSuperiorDecideForTheWaitingApprover()
    {
        var step = ApprovalProgressRules.Start(0, Step(StepMode.All), [Ann, Bob], Now);
        step = ApprovalProgressRules.Decide(step, Ann, true, null, Now);
        var escalated = ApprovalProgressRules.Escalate(step, null, id => id == Bob ? Boss : null, Now.AddHours(48));
        Assert.Equal([Bob, Boss], escalated.Waiting());
        Assert.Empty(escalated.Seats[0].Delegates);
        var done = ApprovalProgressRules.Decide(escalated, Boss, true, "For Bob", Now.AddHours(49));
        Assert.Equal(ApprovalOutcome.Approved, done.Outcome);
        Assert.Equal(Bob, done.Seats[1].Decision!.OnBehalfOf);
        Assert.Equal([Boss], ApprovalProgressRules.Escalate(step, Boss, _ => null, Now).Seats[1].Delegates);
    }

    [Fact]
    public void AStepWithNobodyToApproveCannotStart() =>
        Assert.Equal("approval.no_approvers", Assert.Throws<ConflictException>(() => ApprovalProgressRules.Start(0, Step(StepMode.AnyOne), [], Now)).Code);
}

public sealed class ApproverResolutionTests
{
    private static readonly Crm.Domain.Organisation.User Admin = new() { Id = "a", IsSuperAdmin = true, RoleIds = ["admin"] };
    private static readonly Crm.Domain.Organisation.User Ceo = new() { Id = "ceo", RoleIds = ["boss"] };
    private static readonly Crm.Domain.Organisation.User Vp = new() { Id = "vp", SuperiorId = "ceo", RoleIds = ["boss"] };
    private static readonly Crm.Domain.Organisation.User Lead = new() { Id = "lead", SuperiorId = "vp", Status = Crm.Domain.Organisation.UserStatus.Disabled, RoleIds = ["boss"] };
    private static readonly Crm.Domain.Organisation.User Rep = new() { Id = "rep", SuperiorId = "lead" };
    private static readonly Crm.Domain.Organisation.User[] Users = [Admin, Ceo, Vp, Lead, Rep];

    private static ResolvedApprovers Resolve(ApproverRule rule, string submitter = "rep") => ApproverResolution.Resolve(rule, submitter, Users);

    [Fact]
    public void SuperiorsAreCountedUpTheChainAndADisabledOneIsPassedToTheAdministrators()
    {
        Assert.Equal(["vp"], Resolve(new() { Kind = ApproverKind.Superior, Levels = 2 }).UserIds);
        // The chain is three long: five levels up is the top.
        Assert.Equal(["ceo"], Resolve(new() { Kind = ApproverKind.Superior, Levels = 5 }).UserIds);
        var disabled = Resolve(new() { Kind = ApproverKind.Superior, Levels = 1 });
        Assert.Equal(["a"], disabled.UserIds);
        Assert.True(disabled.FellBack);
    }

    [Fact]
    public void RolesAndNamedUsersLeaveOutTheDisabledAndTheSubmitter()
    {
        Assert.Equal(["ceo", "vp"], Resolve(new() { Kind = ApproverKind.Role, RoleId = "boss" }).UserIds);
        Assert.Equal(["ceo"], Resolve(new() { Kind = ApproverKind.Role, RoleId = "boss" }, submitter: "vp").UserIds);
        Assert.Equal(["vp"], Resolve(new() { Kind = ApproverKind.Users, UserIds = ["vp", "lead", "rep"] }).UserIds);
        Assert.True(Resolve(new() { Kind = ApproverKind.Role, RoleId = "nobody" }).FellBack);
        // The one administrator approves their own document only when nobody else could.
        Assert.Equal(["a"], ApproverResolution.Resolve(new() { Kind = ApproverKind.Superior, Levels = 1 }, "a", [Admin]).UserIds);
    }
}

public sealed class ApprovalInstanceRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static ApprovalInstance Submitted() => new()
    {
        Id = "i", DocumentType = "contract", DocumentId = "c", SubmitterId = "rep", FlowRevision = 3,
        FlowSteps =
        [
            new() { Name = "Manager", Approvers = new() { Kind = ApproverKind.Superior, Levels = 1 } },
            new() { Name = "Finance", Mode = StepMode.All, Approvers = new() { Kind = ApproverKind.Users, UserIds = ["f1", "f2"] } },
        ],
    };

    [Fact]
    public void StepsFollowOneAnotherUntilTheLastIsApproved()
    {
        var instance = ApprovalInstanceRules.Begin(Submitted(), ["boss"], Now);
        Assert.Equal(["boss"], instance.Waiting);
        instance = ApprovalInstanceRules.Decide(instance, 0, "boss", true, null, Now);
        Assert.True(ApprovalInstanceRules.AwaitsNextStep(instance));
        Assert.Empty(instance.Waiting);
        Assert.Equal("approval.step_closed", Assert.Throws<ConflictException>(() => ApprovalInstanceRules.Decide(instance, 1, "f1", true, null, Now)).Code);

        instance = ApprovalInstanceRules.Advance(instance, 1, ["f1", "f2"], Now);
        Assert.Same(instance, ApprovalInstanceRules.Advance(instance, 1, ["f1", "f2"], Now));
        Assert.Equal(["f1", "f2"], instance.Waiting);
        // The manager's decision again is a repeat, not a new decision on the finance step.
        Assert.Same(instance, ApprovalInstanceRules.Decide(instance, 0, "boss", true, null, Now));
        instance = ApprovalInstanceRules.Decide(instance, 1, "f1", true, null, Now);
        Assert.Equal(ApprovalOutcome.Pending, instance.Outcome);
        instance = ApprovalInstanceRules.Decide(instance, 1, "f2", true, null, Now.AddHours(1));
        Assert.Equal(ApprovalOutcome.Approved, instance.Outcome);
        Assert.Equal(Now.AddHours(1), instance.ClosedAt);
        Assert.False(ApprovalInstanceRules.AwaitsNextStep(instance));
        Assert.Equal("approval.step_closed", Assert.Throws<ConflictException>(() => ApprovalInstanceRules.Withdraw(instance, "rep", Now)).Code);
    }

    [Fact]
    public void ARejectionEndsTheApprovalAndOnlyTheSubmitterWithdraws()
    {
        var instance = ApprovalInstanceRules.Begin(Submitted(), ["boss"], Now);
        Assert.Equal("approval.not_submitter", Assert.Throws<ForbiddenException>(() => ApprovalInstanceRules.Withdraw(instance, "boss", Now)).Code);
        var withdrawn = ApprovalInstanceRules.Withdraw(instance, "rep", Now);
        Assert.Equal((ApprovalOutcome.Withdrawn, ApprovalOutcome.Withdrawn), (withdrawn.Outcome, withdrawn.Steps[0].Outcome));
        Assert.Empty(withdrawn.Waiting);

        var rejected = ApprovalInstanceRules.Decide(instance, 0, "boss", false, "Discount too deep", Now);
        Assert.Equal(ApprovalOutcome.Rejected, rejected.Outcome);
        Assert.False(ApprovalInstanceRules.AwaitsNextStep(rejected));
        Assert.Equal("approval.step_closed", Assert.Throws<ConflictException>(() => ApprovalInstanceRules.Decide(rejected, 0, "boss", true, null, Now)).Code);
    }
}
