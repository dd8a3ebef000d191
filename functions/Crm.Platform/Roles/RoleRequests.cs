using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;

namespace Crm.Platform.Roles;

public sealed record CreateRole
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(500)]
    public string? Description { get; init; }

    /// <summary>Operation permission codes from <c>GET /api/v1/permissions</c>.</summary>
    [MaxLength(500)]
    public IReadOnlyList<string> Permissions { get; init; } = [];

    public DataScope DataScope { get; init; } = DataScope.Self;

    [MaxLength(200)]
    public IReadOnlyList<FieldRule> FieldRules { get; init; } = [];
}

/// <summary>The editable view of a role a merge patch applies to.</summary>
public sealed record RoleChanges
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(500)]
    public string? Description { get; init; }

    [Required, MaxLength(500)]
    public IReadOnlyList<string> Permissions { get; init; } = [];

    public DataScope DataScope { get; init; }

    [Required, MaxLength(200)]
    public IReadOnlyList<FieldRule> FieldRules { get; init; } = [];
}

/// <summary>The catalogue as <c>GET /api/v1/permissions</c> answers it.</summary>
public sealed record PermissionCatalogueView(IReadOnlyList<PermissionModule> Modules, IReadOnlyList<DataScope> DataScopes);
