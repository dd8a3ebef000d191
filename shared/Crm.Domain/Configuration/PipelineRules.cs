using System.Text.RegularExpressions;
using Crm.Domain.Common;

namespace Crm.Domain.Configuration;

/// <summary>
/// The shape every pipeline keeps, and the moves an opportunity may make along one. Won and lost are
/// final: leaving them is a reopen, never an ordinary stage change.
/// </summary>
public static partial class PipelineRules
{
    public const string IllegalMove = "pipeline.illegal_stage_move";
    public const string UnknownStage = "pipeline.unknown_stage";
    public const int MaxStages = 30;

    public static Pipeline Validate(Pipeline pipeline)
    {
        var errors = new Dictionary<string, string[]>();
        var name = pipeline.Name.Trim();
        if (name.Length is 0 or > 100)
        {
            errors["name"] = ["Must have 1 to 100 characters."];
        }
        var stages = pipeline.Stages;
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            if (stage is null || !StageKeyPattern().IsMatch(stage.Key ?? ""))
            {
                errors[$"stages[{i}].key"] = ["Use camelCase: a lower-case letter, then letters and digits (at most 40)."];
                continue;
            }
            if (string.IsNullOrWhiteSpace(stage.Name) || stage.Name.Length > 100)
            {
                errors[$"stages[{i}].name"] = ["Must have 1 to 100 characters."];
            }
            if (stage.Probability is < 0 or > 100)
            {
                errors[$"stages[{i}].probability"] = ["Must be between 0 and 100."];
            }
        }
        var valid = stages.Where(s => s?.Key is not null).ToList();
        if (stages.Count is 0 or > MaxStages)
        {
            errors["stages"] = [$"Give 3 to {MaxStages} stages."];
        }
        else if (valid.Select(s => s.Key).Distinct(StringComparer.Ordinal).Count() != valid.Count)
        {
            errors["stages"] = ["Stage keys must be unique."];
        }
        else if (valid.Count(s => s.Kind == StageKind.Won) != 1 || valid.Count(s => s.Kind == StageKind.Lost) != 1 || !valid.Any(s => s.Kind == StageKind.Open))
        {
            errors["stages"] = ["Give exactly one won stage, exactly one lost stage and at least one open stage."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors, "pipeline.invalid");
        }
        return pipeline with { Name = name, Stages = [.. stages.Select(s => s with { Name = s.Name.Trim() })] };
    }

    /// <summary>The win probability of a stage (what an opportunity shows unless it overrides it).</summary>
    public static int ProbabilityOf(Pipeline pipeline, string stageKey) => StageOf(pipeline, stageKey).Probability;

    public static PipelineStage StageOf(Pipeline pipeline, string stageKey) =>
        pipeline.Stage(stageKey) ?? throw new ValidationException("stage", $"The pipeline '{pipeline.Name}' has no stage '{stageKey}'.", UnknownStage);

    /// <summary>
    /// Whether an opportunity may move from one stage to another: any move between open stages, and from
    /// an open stage to won or lost. Leaving won or lost takes a reopen (<paramref name="reopen"/>), and
    /// a reopen only leads back to an open stage.
    /// </summary>
    public static bool CanMove(Pipeline pipeline, string fromKey, string toKey, bool reopen = false)
    {
        var from = StageOf(pipeline, fromKey);
        var to = StageOf(pipeline, toKey);
        if (from.Key == to.Key)
        {
            return false;
        }
        return IsClosed(from) ? reopen && to.Kind == StageKind.Open : !reopen;
    }

    /// <summary>Throws the 409 <see cref="IllegalMove"/> when <see cref="CanMove"/> says no.</summary>
    public static PipelineStage EnsureMove(Pipeline pipeline, string fromKey, string toKey, bool reopen = false)
    {
        if (!CanMove(pipeline, fromKey, toKey, reopen))
        {
            var from = StageOf(pipeline, fromKey);
            var why = fromKey == toKey ? "it is already there"
                : IsClosed(from) ? (reopen ? "a reopen leads to an open stage" : $"'{fromKey}' is {from.Kind.ToString().ToLowerInvariant()}; reopen it first")
                : "only a won or lost opportunity is reopened";
            throw new ConflictException(IllegalMove, $"Cannot move from '{fromKey}' to '{toKey}': {why}.",
                new Dictionary<string, object?> { ["from"] = fromKey, ["to"] = toKey });
        }
        return StageOf(pipeline, toKey);
    }

    public static bool IsClosed(PipelineStage stage) => stage.Kind != StageKind.Open;

    public static PipelineStage WonStage(Pipeline pipeline) => pipeline.Stages.Single(s => s.Kind == StageKind.Won);

    public static PipelineStage LostStage(Pipeline pipeline) => pipeline.Stages.Single(s => s.Kind == StageKind.Lost);

    /// <summary>The pipeline every new tenant gets, as its default.</summary>
    public static Pipeline DefaultPipeline() => new()
    {
        Name = "Sales",
        IsDefault = true,
        Stages =
        [
            new("qualification", "Qualification", 10, StageKind.Open),
            new("needsAnalysis", "Needs analysis", 30, StageKind.Open),
            new("proposal", "Proposal", 60, StageKind.Open),
            new("negotiation", "Negotiation", 80, StageKind.Open),
            new("won", "Won", 100, StageKind.Won),
            new("lost", "Lost", 0, StageKind.Lost),
        ],
    };

    [GeneratedRegex(@"^[a-z][a-zA-Z0-9]{0,39}\z")]
    private static partial Regex StageKeyPattern();
}
