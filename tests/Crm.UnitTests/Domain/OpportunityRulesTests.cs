using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Domain.Sales;

namespace Crm.UnitTests.Domain;

public sealed class OpportunityRulesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(3, 19.99, 0, 59.97)]
    [InlineData(3, 10, 15, 25.5)]
    [InlineData(1, 0.015, 0, 0.02)]
    [InlineData(2, 100, 100, 0)]
    public void ALineTotalIsQuantityTimesPriceLessTheDiscountPercentRoundedToCents(decimal quantity, decimal price, decimal discount, decimal total) =>
        Assert.Equal(total, new ProductLine(null, "x", quantity, price, discount).Total);

    [Fact]
    public void EnteringAStageSetsStatusProbabilityCloseTimeAndHistory()
    {
        var pipeline = PipelineRules.DefaultPipeline();
        var created = OpportunityRules.EnterStage(new Opportunity { ProbabilityOverride = 42 }, pipeline.FirstOpenStage, "u1", At);
        Assert.Equal((OpportunityStatus.Open, 42, (DateTimeOffset?)null), (created.Status, created.Probability, created.ClosedAt));
        Assert.Equal(new StageChange(null, "qualification", At, "u1"), Assert.Single(created.StageHistory));

        var lost = OpportunityRules.EnterStage(created with { LossReason = "price" }, PipelineRules.LostStage(pipeline), "u2", At.AddDays(1));
        Assert.Equal((OpportunityStatus.Lost, 0, At.AddDays(1), "price"), (lost.Status, lost.Probability, lost.ClosedAt, lost.LossReason));

        var reopened = OpportunityRules.EnterStage(lost, pipeline.Stage("proposal")!, "u2", At.AddDays(2));
        Assert.Equal((OpportunityStatus.Open, 42, (DateTimeOffset?)null, (string?)null), (reopened.Status, reopened.Probability, reopened.ClosedAt, reopened.LossReason));
        Assert.Equal(["qualification", "lost", "proposal"], reopened.StageHistory.Select(h => h.To));
        Assert.Equal("lost", reopened.StageHistory[^1].From);
        Assert.Equal(100, OpportunityRules.ProbabilityFor(pipeline, reopened with { StageKey = "won" }));
    }

    [Fact]
    public void CheckNamesEveryBadField()
    {
        var e = Assert.Throws<ValidationException>(() => OpportunityRules.Check(-1, "usd", 101,
            [new ProductLine(null, " ", 1, 1, 0), new ProductLine(null, "ok", 0, -1, 101)], ["", "A"],
            [new OpportunityContact("c1", null), new OpportunityContact("c1", "user")]));
        Assert.Equal(
            ["amount", "competitors", "contacts", "currency", "probabilityOverride", "productLines[0].name", "productLines[1].discount", "productLines[1].quantity", "productLines[1].unitPrice"],
            e.Errors.Keys.Order(StringComparer.Ordinal));
        OpportunityRules.Check(0, "EUR", null, [new ProductLine("p", "ok", 1, 0, 0)], ["Rival"], [new OpportunityContact("c1", null)]);
    }
}
