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

/// <summary>
/// A record with an owner and a team, subject to data scope (<see cref="Access.RecordAccess"/>).
/// The team lives in the record, so a team change is a record change: audited, versioned, in the feed.
/// </summary>
public interface IOwnedRecord
{
    string? OwnerId { get; }
    IReadOnlyList<Access.TeamMember> Team { get; }
}

/// <summary>The base of owned record types: declare the record as owned and data scope applies.</summary>
public abstract record OwnedRecord : RecordBase, IOwnedRecord
{
    public string? OwnerId { get; init; }
    public IReadOnlyList<Access.TeamMember> Team { get; init; } = [];
}
