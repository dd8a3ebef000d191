using System.Text.Json.Nodes;

namespace Crm.Domain.Common;

/// <summary>What every stored record carries (API.md "Shape"). The store fills these in.</summary>
public abstract record RecordBase
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset UpdatedAt { get; init; }
    public string UpdatedBy { get; init; } = "";

    /// <summary>Equal to the record's ETag; never trusted from input.</summary>
    public string Version { get; init; } = "";

    public JsonObject CustomFields { get; init; } = [];
}

/// <summary>A record with an owner, subject to data scope (access-control issue).</summary>
public interface IOwnedRecord
{
    string? OwnerId { get; }
}
