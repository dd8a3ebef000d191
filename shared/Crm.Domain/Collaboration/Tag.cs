using Crm.Domain.Common;

namespace Crm.Domain.Collaboration;

/// <summary>A tag of the tenant's list (名称 and 颜色), put on records of any type.</summary>
public sealed record Tag : RecordBase
{
    public string Name { get; init; } = "";

    /// <summary><c>#RRGGBB</c>.</summary>
    public string? Color { get; init; }
}

/// <summary>One tag on one record.</summary>
public sealed record Tagging : RecordBase
{
    public string TagId { get; init; } = "";
    public string RecordType { get; init; } = "";
    public string RecordId { get; init; } = "";
}

/// <summary>
/// A user's own link to a record or to a web address: only they see it. Exactly one of <see cref="Url"/> and
/// <see cref="RecordType"/>/<see cref="RecordId"/>.
/// </summary>
public sealed record Bookmark : RecordBase
{
    public string UserId { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Url { get; init; }
    public string? RecordType { get; init; }
    public string? RecordId { get; init; }
}
