using Crm.Domain.Common;

namespace Crm.Domain.Organisation;

/// <summary>A node of the company's department tree; the single root has no parent.</summary>
public sealed record Department : RecordBase
{
    public string Name { get; init; } = "";
    public string? ParentId { get; init; }
    public string? Description { get; init; }
    public int SortOrder { get; init; }
}
