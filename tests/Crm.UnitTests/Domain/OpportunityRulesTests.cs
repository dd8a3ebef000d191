using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Domain.Sales;

namespace Crm.UnitTests.Domain;

public sealed class OpportunityRulesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(3, 19.99, 0, "CNY", 59.97)]
    [InlineData(3, 10, 15, "CNY", 25.5)]
    [InlineData(1, 0.015, 0, "CNY", 0.02)]
    [InlineData(2, 100, 100, "CNY", 0)]
    [InlineData(3, 333.5, 0, "JPY", 1001)] // 1000.5: no minor unit, half away from zero
    [InlineData(1, 1.2345, 0, "KWD", 1.235)] // three digits
    [InlineData(1, -0.005, 0, "EUR", -0.01)]
    public void ALineTotalIsQuantityTimesPriceLessTheDiscountPercentRoundedToTheCurrencysMinorUnit(decimal quantity, decimal price, decimal discount,
        string currency, decimal total) =>
        Assert.Equal(total, PricedLines.LineTotal(new ProductLine(null, "x", quantity, price, discount), currency));

    [Fact]
    public void AnOpportunityIsPricedLineByLineInItsCurrencyAndATotalSentInIsNotKept()
    {
        var opportunity = new Opportunity
        {
            Currency = "JPY",
            ProductLines = [new ProductLine(null, "a", 1, 0.5m, 0) { Total = 999 }, new ProductLine(null, "b", 1, 0.5m, 0)],
        }.Priced();

        // Each line rounds on its own (1 + 1), not the sum of the exact amounts (1).
        Assert.Equal([1m, 1m], opportunity.ProductLines.Select(l => l.Total));
        Assert.Equal(2m, opportunity.ProductTotal);
    }

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
