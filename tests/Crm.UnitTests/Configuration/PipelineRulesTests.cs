using Crm.Domain.Common;
using Crm.Domain.Configuration;

namespace Crm.UnitTests.Configuration;

public sealed class PipelineRulesTests
{
    private static readonly Pipeline Standard = PipelineRules.DefaultPipeline();

    [Fact]
    public void TheStandardPipelineIsValidWithItsProbabilities()
    {
        PipelineRules.Validate(Standard);
        Assert.Equal(10, PipelineRules.ProbabilityOf(Standard, "qualification"));
        Assert.Equal(80, PipelineRules.ProbabilityOf(Standard, "negotiation"));
        Assert.Equal(100, PipelineRules.ProbabilityOf(Standard, "won"));
        Assert.Equal(0, PipelineRules.ProbabilityOf(Standard, "lost"));
        Assert.Equal("qualification", Standard.FirstOpenStage.Key);
        Assert.Equal("won", PipelineRules.WonStage(Standard).Key);
        Assert.Equal("lost", PipelineRules.LostStage(Standard).Key);
    }

    [Theory]
    [InlineData("qualification", "proposal", false, true)]
    [InlineData("negotiation", "qualification", false, true)]
    [InlineData("proposal", "won", false, true)]
    [InlineData("proposal", "lost", false, true)]
    [InlineData("won", "lost", false, false)]
    [InlineData("won", "proposal", false, false)]
    [InlineData("lost", "negotiation", false, false)]
    [InlineData("lost", "negotiation", true, true)]
    [InlineData("won", "qualification", true, true)]
    [InlineData("won", "lost", true, false)]
    [InlineData("proposal", "negotiation", true, false)]
    [InlineData("proposal", "proposal", false, false)]
    public void MovesFollowTheStageKinds(string from, string to, bool reopen, bool allowed)
    {
        Assert.Equal(allowed, PipelineRules.CanMove(Standard, from, to, reopen));
        if (allowed)
        {
            Assert.Equal(to, PipelineRules.EnsureMove(Standard, from, to, reopen).Key);
        }
        else
        {
            Assert.Equal(PipelineRules.IllegalMove, Assert.Throws<ConflictException>(() => PipelineRules.EnsureMove(Standard, from, to, reopen)).Code);
        }
    }

    [Fact]
    public void UnknownStagesAreAValidationError()
    {
        Assert.Equal(PipelineRules.UnknownStage, Assert.Throws<ValidationException>(() => PipelineRules.ProbabilityOf(Standard, "nope")).Code);
        Assert.Equal(PipelineRules.UnknownStage, Assert.Throws<ValidationException>(() => PipelineRules.CanMove(Standard, "proposal", "nope")).Code);
    }

    public static TheoryData<PipelineStage[], string> BadStages => new()
    {
        { [new("a", "A", 10, StageKind.Open), new("w", "W", 100, StageKind.Won)], "stages" },
        { [new("w", "W", 100, StageKind.Won), new("l", "L", 0, StageKind.Lost)], "stages" },
        { [new("a", "A", 10, StageKind.Open), new("w", "W", 100, StageKind.Won), new("w2", "W", 100, StageKind.Won), new("l", "L", 0, StageKind.Lost)], "stages" },
        { [new("a", "A", 10, StageKind.Open), new("a", "W", 100, StageKind.Won), new("l", "L", 0, StageKind.Lost)], "stages" },
        { [new("a", "A", -1, StageKind.Open), new("w", "W", 100, StageKind.Won), new("l", "L", 0, StageKind.Lost)], "stages[0].probability" },
        { [new("a", " ", 10, StageKind.Open), new("w", "W", 100, StageKind.Won), new("l", "L", 0, StageKind.Lost)], "stages[0].name" },
        { [new("Big", "A", 10, StageKind.Open), new("w", "W", 100, StageKind.Won), new("l", "L", 0, StageKind.Lost)], "stages[0].key" },
    };

    [Theory]
    [MemberData(nameof(BadStages))]
    public void InvalidShapesAreRefusedNamingTheField(PipelineStage[] stages, string field)
    {
        var error = Assert.Throws<ValidationException>(() => PipelineRules.Validate(new Pipeline { Name = "P", Stages = stages }));
        Assert.Equal("pipeline.invalid", error.Code);
        Assert.Contains(field, error.Errors.Keys);
    }
}
