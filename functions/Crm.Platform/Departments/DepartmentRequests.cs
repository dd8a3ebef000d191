using System.ComponentModel.DataAnnotations;

namespace Crm.Platform.Departments;

public sealed record CreateDepartment
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    /// <summary>Defaults to the top department.</summary>
    [StringLength(26)]
    public string? ParentId { get; init; }

    [StringLength(500)]
    public string? Description { get; init; }

    [Range(0, 100_000)]
    public int SortOrder { get; init; }
}

/// <summary>The editable view a merge patch applies to.</summary>
public sealed record DepartmentChanges
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(26)]
    public string? ParentId { get; init; }

    [StringLength(500)]
    public string? Description { get; init; }

    [Range(0, 100_000)]
    public int SortOrder { get; init; }
}
