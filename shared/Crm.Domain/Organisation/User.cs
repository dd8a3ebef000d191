using System.Text.Json.Serialization;
using Crm.Domain.Common;

namespace Crm.Domain.Organisation;

public enum UserStatus
{
    Active,
    Disabled,
}

public enum Gender
{
    Unspecified,
    Male,
    Female,
}

/// <summary>
/// A member of staff. Users are never deleted, only disabled: their records stay and can be
/// transferred. The password lives apart from the record (a credential row), never in it.
/// </summary>
public sealed record User : RecordBase
{
    /// <summary>Mobile phone or e-mail used to sign in; unique in the tenant.</summary>
    public string Login { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public Gender Gender { get; init; }
    public string DepartmentId { get; init; } = "";
    public string? Position { get; init; }
    public string? SuperiorId { get; init; }
    public UserStatus Status { get; init; } = UserStatus.Active;

    /// <summary>The user's roles; their rights are the union (<see cref="Access.AccessProfile"/>).</summary>
    public IReadOnlyList<string> RoleIds { get; init; } = [];

    /// <summary>
    /// Whether one of the roles is the super administrator role: kept with <see cref="RoleIds"/> so
    /// that the rule "never remove the last one" is an index read, not a scan of every user's roles.
    /// </summary>
    public bool IsSuperAdmin { get; init; }

    /// <summary>Refresh tokens issued before this stop working (a changed password ends other sessions).</summary>
    public DateTimeOffset? PasswordChangedAt { get; init; }

    /// <summary>The Microsoft Entra ID object id (<c>oid</c>) this user signs in as, linked at the first Entra sign-in.</summary>
    public string? EntraObjectId { get; init; }
}
