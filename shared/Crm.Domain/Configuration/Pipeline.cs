using Crm.Domain.Common;

namespace Crm.Domain.Configuration;

public enum StageKind
{
    Open,
    Won,
    Lost,
}

/// <summary>One step of a sales pipeline: <see cref="Probability"/> is the chance (0-100) an opportunity there is won.</summary>
public sealed record PipelineStage(string Key, string Name, int Probability, StageKind Kind);

/// <summary>The ordered stages an opportunity moves through; one pipeline per tenant is the default.</summary>
public sealed record Pipeline : RecordBase
{
    public string Name { get; init; } = "";
    public IReadOnlyList<PipelineStage> Stages { get; init; } = [];
    public bool IsDefault { get; init; }

    /// <summary>The stage with the key, or null.</summary>
    public PipelineStage? Stage(string key) => Stages.FirstOrDefault(s => s.Key == key);

    /// <summary>The open stage a new opportunity starts in (derived from the stages, so not a field of its own).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public PipelineStage FirstOpenStage => Stages.First(s => s.Kind == StageKind.Open);
}
