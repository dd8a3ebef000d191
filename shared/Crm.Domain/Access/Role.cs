using Crm.Domain.Common;

namespace Crm.Domain.Access;

/// <summary>
/// A named set of operation permissions with one data scope and optional field rules. A user's
/// rights are the union of their roles' (<see cref="AccessProfile"/>).
/// </summary>
public sealed record Role : RecordBase
{
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public IReadOnlyList<string> Permissions { get; init; } = [];
    public DataScope DataScope { get; init; } = DataScope.Self;
    public IReadOnlyList<FieldRule> FieldRules { get; init; } = [];

    /// <summary>The built-in super administrator role: every permission, scope all, no field rules.</summary>
    public bool IsSuperAdmin { get; init; }

    /// <summary>Which built-in role this started as (null for roles a tenant made); built-ins cannot be deleted.</summary>
    public string? BuiltIn { get; init; }
}
