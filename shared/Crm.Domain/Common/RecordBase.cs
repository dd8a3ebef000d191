using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Crm.Domain.Common;

/// <summary>What every stored record carries (API.md "Shape"). The store fills these in.</summary>
public abstract record RecordBase
{
    [JsonPropertyOrder(-10)]
    public string Id { get; init; } = "";
    [JsonPropertyOrder(-9)]
    public DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyOrder(-8)]
    public string CreatedBy { get; init; } = "";
    [JsonPropertyOrder(-7)]
    public DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyOrder(-6)]
    public string UpdatedBy { get; init; } = "";

    /// <summary>Equal to the record's ETag; never trusted from input.</summary>
    [JsonPropertyOrder(100)]
    public string Version { get; init; } = "";

    [JsonPropertyOrder(101)]
    public JsonObject CustomFields { get; init; } = [];
}

/// <summary>A record with an owner, subject to data scope (access-control issue).</summary>
public interface IOwnedRecord
{
    string? OwnerId { get; }
}
