using Crm.Domain.Access;
using Crm.Domain.Sales;

namespace Crm.UnitTests.Domain;

public sealed class PoolRulesTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static Customer Owned(string owner = "u1") => new() { Id = "c1", Name = "Acme", OwnerId = owner, CreatedAt = Created };

    private static PoolRule Rule(int? n = 30, int? m = null, int warn = 0, string? department = null, bool enabled = true) =>
        new() { Id = "r-" + (department ?? "tenant"), Name = "Rule", DaysWithoutFollowUp = n, DaysWithoutDeal = m, WarnDaysBefore = warn, DepartmentId = department, Enabled = enabled };

    [Fact]
    public void FollowUpClockCountsFromTheLatestOfCreationOwnershipAndFollowUp()
    {
        var customer = Owned() with { LastFollowUpAt = Created.AddDays(10) };
        Assert.Equal(PoolVerdictKind.Keep, PoolRules.Judge(customer, Rule(), CustomerDeals.None, Created.AddDays(39)).Kind);
        var verdict = PoolRules.Judge(customer, Rule(), CustomerDeals.None, Created.AddDays(40));
        Assert.Equal(PoolVerdictKind.Return, verdict.Kind);
        Assert.Equal(Created.AddDays(40), verdict.DueAt);
        Assert.Equal(PoolRules.NoFollowUp, verdict.Reason);
        // A new owner starts afresh.
        Assert.Equal(PoolVerdictKind.Keep, PoolRules.Judge(customer with { OwnedSince = Created.AddDays(20) }, Rule(), CustomerDeals.None, Created.AddDays(40)).Kind);
    }

    [Fact]
    public void AWonDealResetsTheDealClockAndTheEarlierDueDateDecides()
    {
        var rule = Rule(n: 90, m: 60);
        var won = new CustomerDeals(false, Created.AddDays(50));
        Assert.Equal(PoolVerdictKind.Keep, PoolRules.Judge(Owned(), rule, won, Created.AddDays(89)).Kind);
        var verdict = PoolRules.Judge(Owned(), rule, CustomerDeals.None, Created.AddDays(61));
        Assert.Equal((PoolVerdictKind.Return, PoolRules.NoDeal), (verdict.Kind, verdict.Reason));
    }

    [Fact]
    public void LockedOpenDealAndPoolCustomersAreExempt()
    {
        var late = Created.AddDays(400);
        Assert.Equal(PoolVerdictKind.Keep, PoolRules.Judge(Owned() with { LockedAt = Created }, Rule(), CustomerDeals.None, late).Kind);
        Assert.Equal(PoolVerdictKind.Keep, PoolRules.Judge(Owned(), Rule(), new CustomerDeals(true, null), late).Kind);
        Assert.Equal(PoolVerdictKind.Keep, PoolRules.Judge(Owned() with { OwnerId = null }, Rule(), CustomerDeals.None, late).Kind);
    }

    [Fact]
    public void WarningWindowOpensKDaysBeforeTheDueDate()
    {
        var rule = Rule(warn: 5);
        Assert.Equal(PoolVerdictKind.Keep, PoolRules.Judge(Owned(), rule, CustomerDeals.None, Created.AddDays(24)).Kind);
        var warn = PoolRules.Judge(Owned(), rule, CustomerDeals.None, Created.AddDays(25));
        Assert.Equal(PoolVerdictKind.Warn, warn.Kind);
        Assert.Equal(Created.AddDays(30), warn.DueAt);
        Assert.Equal(PoolVerdictKind.Keep, PoolRules.Judge(Owned(), Rule(), CustomerDeals.None, Created.AddDays(29)).Kind);
    }

    [Fact]
    public void TheNearestEnabledDepartmentRuleWinsThenTheTenantRule()
    {
        var org = new OrgChart(
            new Dictionary<string, OrgPosition> { ["east-rep"] = new(null, "east"), ["office-rep"] = new(null, "office") },
            new Dictionary<string, string?> { ["office"] = null, ["sales"] = "office", ["east"] = "sales" });
        var tenant = Rule();
        var sales = Rule(department: "sales");
        var east = Rule(department: "east", enabled: false);
        Assert.Same(sales, PoolRules.RuleFor("east-rep", org, [tenant, sales, east]));
        Assert.Same(tenant, PoolRules.RuleFor("office-rep", org, [tenant, sales, east]));
        Assert.Null(PoolRules.RuleFor("office-rep", org, [sales]));
        Assert.Same(tenant, PoolRules.RuleFor("unknown", org, [tenant, sales]));
    }

    [Fact]
    public void CooldownAppliesOnlyToThePreviousOwnerForItsDays()
    {
        var pooled = PoolRules.ToPool(Owned() with { Team = [new TeamMember("u2", TeamAccess.Read)] }, Created, "why", null);
        Assert.Null(pooled.OwnerId);
        Assert.Empty(pooled.Team);
        Assert.Equal("u1", pooled.PreviousOwnerId);
        Assert.Equal(Created.AddDays(7), PoolRules.CooldownEndsAt(pooled, "u1", 7, Created.AddDays(1)));
        Assert.Null(PoolRules.CooldownEndsAt(pooled, "u1", 7, Created.AddDays(7)));
        Assert.Null(PoolRules.CooldownEndsAt(pooled, "u2", 7, Created.AddDays(1)));
        Assert.Null(PoolRules.CooldownEndsAt(pooled, "u1", 0, Created.AddDays(1)));
        var claimed = PoolRules.FromPool(pooled, "u2", Created.AddDays(2));
        Assert.Equal(("u2", Created.AddDays(2)), (claimed.OwnerId, claimed.OwnedSince));
    }

    [Theory]
    [InlineData(null, null, 0, "daysWithoutFollowUp")]
    [InlineData(0, null, 0, "daysWithoutFollowUp")]
    [InlineData(null, 4000, 0, "daysWithoutDeal")]
    [InlineData(30, 10, 10, "warnDaysBefore")]
    [InlineData(30, null, -1, "warnDaysBefore")]
    public void InvalidRulesNameTheirField(int? n, int? m, int warn, string field) =>
        Assert.Contains(field, PoolRules.Problems(Rule(n, m, warn)).Keys);

    [Fact]
    public void AValidRuleHasNoProblems() => Assert.Empty(PoolRules.Problems(Rule(30, 90, 29)));
}
