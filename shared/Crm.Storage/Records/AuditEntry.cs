using System.Text.Json.Serialization;
using Crm.Domain.Common;

namespace Crm.Storage.Records;

public enum AuditAction
{
    Created,
    Updated,
    Deleted,
    Restored,
    Purged,

    /// <summary>Records were exported (no record changed; <see cref="AuditEntry.Note"/> says how many and how).</summary>
    Exported,

    /// <summary>An administrator ended a user's sign-in lockout (the user record did not change; the note says what was in force).</summary>
    Unlocked,
}

/// <summary>One line of the operation log: who changed which fields of which record, from where.</summary>
public sealed record AuditEntry
{
    public string Id { get; init; } = "";
    public DateTimeOffset Time { get; init; }
    public string RecordType { get; init; } = "";
    public string RecordId { get; init; } = "";
    public string? RecordName { get; init; }
    public AuditAction Action { get; init; }

    /// <summary>The business action behind the change when it was more than a plain edit, e.g. <c>transferred</c>.</summary>
    public string? Activity { get; init; }
    public string ActorId { get; init; } = "";
    public string? ApiKeyId { get; init; }
    public string? SourceIp { get; init; }
    public IReadOnlyDictionary<string, FieldChange> Changes { get; init; } = new Dictionary<string, FieldChange>();

    /// <summary>What an entry that changed no record was about, e.g. an export's row count and filters.</summary>
    public string? Note { get; init; }

    /// <summary>Set when the change was too large to keep whole in one table property.</summary>
    public bool Truncated { get; init; }
}
