using Crm.Domain.Common;

namespace Crm.Domain.Configuration;

public enum CustomFieldType
{
    Text, Number, Money, Date, Datetime, Boolean, Picklist, MultiPicklist, User, Email, Phone, Url,
}

/// <summary>
/// A field a tenant adds to a record type. Its values live in each record's <c>customFields</c>
/// object under <see cref="Key"/>; the definition says how they are checked on every write.
/// </summary>
public sealed record CustomFieldDefinition : RecordBase
{
    /// <summary>The record module it belongs to, as in permissions: "customers", "users".</summary>
    public string EntityType { get; init; } = "";
    public string Key { get; init; } = "";
    public string Label { get; init; } = "";
    public CustomFieldType Type { get; init; }
    public bool Required { get; init; }

    /// <summary>For text-like types: the longest value accepted.</summary>
    public int? MaxLength { get; init; }

    /// <summary>For picklists: the choices, unless <see cref="Dictionary"/> names a data dictionary instead.</summary>
    public IReadOnlyList<string>? Options { get; init; }
    public string? Dictionary { get; init; }

    /// <summary>An inactive field keeps its values on records but takes no new ones.</summary>
    public bool Active { get; init; } = true;

    public int SortOrder { get; init; }

    /// <summary>Lists and searches may sort by the field (single-valued types only; a few per record type).</summary>
    public bool Sortable { get; init; }

    /// <summary>
    /// Read-only: where the sort index of a sortable field stands. <c>building</c> while its rows are written for
    /// the records that existed when it was made sortable, then <c>ready</c>; null when it is not sortable.
    /// </summary>
    public SortIndexState? SortIndex { get; init; }

    /// <summary>Read-only: when <see cref="SortIndex"/> last changed; identifies the build that may declare it ready.</summary>
    public DateTimeOffset? SortIndexChangedAt { get; init; }
}

public enum SortIndexState
{
    Building,
    Ready,
}
