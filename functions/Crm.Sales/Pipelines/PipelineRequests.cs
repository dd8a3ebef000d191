using System.ComponentModel.DataAnnotations;
using Crm.Domain.Configuration;

namespace Crm.Sales.Pipelines;

public sealed record CreatePipeline
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    /// <summary>In order; exactly one won and one lost stage, at least one open stage, unique keys.</summary>
    [Required, MaxLength(PipelineRules.MaxStages)]
    public IReadOnlyList<PipelineStage> Stages { get; init; } = [];

    /// <summary>Makes this the tenant's default pipeline (the previous default stops being one).</summary>
    public bool IsDefault { get; init; }
}

/// <summary>The editable view a merge patch applies to (the stages are replaced as a whole).</summary>
public sealed record PipelineChanges
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [Required, MaxLength(PipelineRules.MaxStages)]
    public IReadOnlyList<PipelineStage> Stages { get; init; } = [];

    public bool IsDefault { get; init; }
}

/// <summary>
/// Tells whether records use a pipeline or one of its stages, so that neither is removed under them.
/// The opportunities feature implements it (opportunities on the pipeline) and registers it as a singleton.
/// </summary>
internal interface IPipelineUsage
{
    Task<bool> IsInUseAsync(string tenantId, string pipelineId, CancellationToken cancellationToken);

    Task<bool> IsStageInUseAsync(string tenantId, string pipelineId, string stageKey, CancellationToken cancellationToken);
}
