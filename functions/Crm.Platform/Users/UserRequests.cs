using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Organisation;

namespace Crm.Platform.Users;

public sealed record CreateUser
{
    /// <summary>Mobile phone, e-mail, or a user name.</summary>
    [Required, StringLength(254, MinimumLength = 3)]
    public string Login { get; init; } = "";

    [Required, StringLength(128, MinimumLength = 1)]
    public string Password { get; init; } = "";

    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(254), EmailAddress]
    public string? Email { get; init; }

    [StringLength(32)]
    public string? Phone { get; init; }

    public Gender Gender { get; init; }

    /// <summary>Defaults to the top department.</summary>
    [StringLength(26)]
    public string? DepartmentId { get; init; }

    [StringLength(100)]
    public string? Position { get; init; }

    [StringLength(26)]
    public string? SuperiorId { get; init; }

    /// <summary>The user's roles (ids); none means the user can sign in but do nothing yet.</summary>
    [MaxLength(20)]
    public IReadOnlyList<string>? RoleIds { get; init; }

    /// <summary>Values of the custom fields defined for users (<c>/api/v1/custom-fields/users</c>).</summary>
    public JsonObject? CustomFields { get; init; }
}

/// <summary>The editable view a merge patch applies to.</summary>
public sealed record UserChanges
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(254), EmailAddress]
    public string? Email { get; init; }

    [StringLength(32)]
    public string? Phone { get; init; }

    public Gender Gender { get; init; }

    [Required, StringLength(26)]
    public string DepartmentId { get; init; } = "";

    [StringLength(100)]
    public string? Position { get; init; }

    [StringLength(26)]
    public string? SuperiorId { get; init; }

    public UserStatus Status { get; init; }

    public JsonObject? CustomFields { get; init; }
}

public sealed record ResetPassword([property: Required, StringLength(128, MinimumLength = 1)] string NewPassword);

public sealed record ChangePassword(
    [property: Required, StringLength(128, MinimumLength = 1)] string CurrentPassword,
    [property: Required, StringLength(128, MinimumLength = 1)] string NewPassword);

/// <summary>The whole list of a user's roles (<c>PUT /api/v1/users/{id}/roles</c>).</summary>
public sealed record SetRoles([property: Required, MaxLength(20)] IReadOnlyList<string> RoleIds);
