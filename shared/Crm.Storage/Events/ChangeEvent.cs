using System.Text.Json.Serialization;
using Crm.Domain.Common;

namespace Crm.Storage.Events;

/// <summary>
/// A change as a CloudEvents 1.0 JSON event (API.md "Events"). Written to the outbox in the same
/// transaction as the change, so none is lost and none is invented.
/// </summary>
public sealed record ChangeEvent
{
    [JsonPropertyName("specversion")]
    public string SpecVersion { get; init; } = "1.0";
    public string Id { get; init; } = "";

    /// <summary>e.g. <c>crm.department.updated</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>e.g. <c>/tenants/{tenantId}</c>.</summary>
    public string Source { get; init; } = "";
    public DateTimeOffset Time { get; init; }
    public string TenantId { get; init; } = "";

    /// <summary>e.g. <c>departments/{id}</c>.</summary>
    public string Subject { get; init; } = "";
    public string Actor { get; init; } = "";

    [JsonPropertyName("datacontenttype")]
    public string DataContentType { get; init; } = "application/json";
    public ChangeEventData Data { get; init; } = new();
}

public sealed record ChangeEventData
{
    public string RecordType { get; init; } = "";
    public string RecordId { get; init; } = "";

    /// <summary>Owner of the record when it changed, so consumers can apply data scope.</summary>
    public string? OwnerId { get; init; }

    /// <summary>The record's team when it changed (owned records), so members see its events too.</summary>
    public IReadOnlyList<Crm.Domain.Access.TeamMember>? Team { get; init; }

    /// <summary>The business action behind the change (<c>transferred</c>, <c>stageChanged</c>...), absent for plain edits.</summary>
    public string? Activity { get; init; }
    public IReadOnlyDictionary<string, FieldChange> Changes { get; init; } = new Dictionary<string, FieldChange>();
    public bool Truncated { get; init; }
}
