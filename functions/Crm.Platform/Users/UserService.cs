using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Domain.Tenants;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Platform.Users;

/// <summary>
/// Staff accounts: unique logins, existing departments and superiors, no superior cycles, never
/// deleted (disabled instead), and always at least one active super administrator.
/// </summary>
public sealed class UserService(RecordStore<User> store, RecordStore<Department> departments, Credentials credentials, TenantStore tenants,
    AccessDirectory access, PermissionCatalogue catalogue, TimeProvider clock)
    : IRecordService<User, CreateUser>
{
    public static Type Changes => typeof(UserChanges);

    public RecordStore<User> Store => store;

    public async Task<User> CreateAsync(Caller caller, CreateUser input, CancellationToken cancellationToken)
    {
        await EnsureMayGiveAsync(caller, input.RoleIds ?? [], [], cancellationToken);
        return await CreateAsync(caller.Write(clock), input, id: null, cancellationToken);
    }

    /// <summary>Also used when a tenant is provisioned, with a fixed id so a retry finds its admin.</summary>
    public async Task<User> CreateAsync(WriteContext context, CreateUser input, string? id, CancellationToken cancellationToken)
    {
        var login = input.Login.Trim();
        if (!OrganisationRules.IsValidLogin(login))
        {
            throw new ValidationException("login", "Must be a mobile phone number, an e-mail address, or a user name (a letter, then 2-63 letters, digits, dots, dashes or underscores).");
        }
        var tenant = await tenants.FindAsync(context.TenantId, cancellationToken);
        PasswordPolicy.Validate("password", input.Password, login, tenant?.Security ?? SecuritySettings.Default);
        EnsurePhone(input.Phone);
        var departmentId = input.DepartmentId ?? tenant!.OfficeDepartmentId;
        await EnsureDepartmentAsync(context.TenantId, departmentId, cancellationToken);
        if (input.SuperiorId is not null)
        {
            await EnsureUserAsync(context.TenantId, input.SuperiorId, "superiorId", cancellationToken);
        }
        var (roleIds, superAdmin) = await CheckRolesAsync(context.TenantId, input.RoleIds ?? [], cancellationToken);
        var user = new User
        {
            Id = id ?? Ids.New(context.Now),
            Login = login,
            Name = input.Name.Trim(),
            Email = input.Email,
            Phone = input.Phone,
            Gender = input.Gender,
            DepartmentId = departmentId,
            Position = input.Position,
            SuperiorId = input.SuperiorId,
            RoleIds = roleIds,
            IsSuperAdmin = superAdmin,
            PasswordChangedAt = context.Now,
            CustomFields = input.CustomFields ?? [],
        };
        var created = await store.CreateAsync(context, user, [credentials.Write(context.TenantId, user, input.Password)], cancellationToken);
        access.OrganisationChanged(context.TenantId);
        return created;
    }

    /// <summary>Existing roles only, each once; whether one of them makes the user a super administrator.</summary>
    public async Task<(IReadOnlyList<string> RoleIds, bool SuperAdmin)> CheckRolesAsync(string tenantId, IReadOnlyList<string> roleIds, CancellationToken cancellationToken)
    {
        var roles = await access.RolesAsync(tenantId, cancellationToken);
        var unknown = roleIds.Where(id => !roles.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new ValidationException("roleIds", $"No role with id '{unknown[0]}'.", "user.role_not_found");
        }
        var distinct = roleIds.Distinct(StringComparer.Ordinal).ToList();
        return (distinct, distinct.Any(id => roles[id].IsSuperAdmin));
    }

    public async Task<User> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var updated = await store.UpdateAsync(caller.Write(clock), id, ifMatch, async current =>
        {
            var changes = MergePatch.Apply(new UserChanges
            {
                Name = current.Name,
                Email = current.Email,
                Phone = current.Phone,
                Gender = current.Gender,
                DepartmentId = current.DepartmentId,
                Position = current.Position,
                SuperiorId = current.SuperiorId,
                Status = current.Status,
                CustomFields = current.CustomFields,
            }, patch);
            EnsurePhone(changes.Phone);
            if (changes.DepartmentId != current.DepartmentId)
            {
                await EnsureDepartmentAsync(caller.TenantId, changes.DepartmentId, cancellationToken);
            }
            if (changes.SuperiorId != current.SuperiorId && changes.SuperiorId is not null)
            {
                await EnsureUserAsync(caller.TenantId, changes.SuperiorId, "superiorId", cancellationToken);
                await OrganisationRules.EnsureNoSuperiorCycleAsync(id, changes.SuperiorId,
                    async u => (await store.FindAsync(caller.TenantId, u, cancellationToken))?.SuperiorId);
            }
            if (changes.Status == UserStatus.Disabled && current.Status == UserStatus.Active)
            {
                await EnsureNotLastSuperAdminAsync(caller.TenantId, current, cancellationToken);
            }
            return current with
            {
                Name = changes.Name.Trim(),
                Email = changes.Email,
                Phone = changes.Phone,
                Gender = changes.Gender,
                DepartmentId = changes.DepartmentId,
                Position = changes.Position,
                SuperiorId = changes.SuperiorId,
                Status = changes.Status,
                CustomFields = changes.CustomFields ?? [],
            };
        }, cancellationToken: cancellationToken);
        // A new superior or department changes what others' scopes reach: at once, not after a cache expires.
        access.OrganisationChanged(caller.TenantId);
        access.UserChanged(caller.TenantId, id);
        return updated;
    }

    public Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken) =>
        throw new ConflictException("user.not_deletable", "Users are never deleted; disable them instead.");

    public Task<User> SetStatusAsync(Caller caller, string id, string? ifMatch, UserStatus status, CancellationToken cancellationToken) =>
        UpdateAsync(caller, id, ifMatch, new JsonObject { ["status"] = status == UserStatus.Active ? "active" : "disabled" }, cancellationToken);

    /// <summary>Sets a new password; refresh tokens issued before it stop working.</summary>
    public async Task<User> SetPasswordAsync(WriteContext context, string id, string password, CancellationToken cancellationToken)
    {
        var policy = (await tenants.FindAsync(context.TenantId, cancellationToken))?.Security ?? SecuritySettings.Default;
        return await store.UpdateAsync(context, id, null, current =>
        {
            PasswordPolicy.Validate("newPassword", password, current.Login, policy);
            return ValueTask.FromResult(current with { PasswordChangedAt = context.Now });
        }, (_, after) => [credentials.Write(context.TenantId, after, password)], cancellationToken);
    }

    /// <summary>
    /// Sets the user's roles as a whole. Their rights change with their next request on this replica;
    /// the last active super administrator keeps the role, and no one hands out more than they hold.
    /// </summary>
    public async Task<User> SetRolesAsync(Caller caller, string id, string? ifMatch, IReadOnlyList<string> roleIds, CancellationToken cancellationToken)
    {
        var (distinct, superAdmin) = await CheckRolesAsync(caller.TenantId, roleIds, cancellationToken);
        var updated = await store.UpdateAsync(caller.Write(clock), id, ifMatch, async current =>
        {
            await EnsureMayGiveAsync(caller, distinct, current.RoleIds, cancellationToken);
            if (current.IsSuperAdmin && !superAdmin && current.Status == UserStatus.Active)
            {
                await EnsureNotLastSuperAdminAsync(caller.TenantId, current, cancellationToken, "demoted");
            }
            return current with { RoleIds = distinct, IsSuperAdmin = superAdmin };
        }, cancellationToken: cancellationToken);
        access.UserChanged(caller.TenantId, id);
        return updated;
    }

    /// <summary>
    /// No escalation through assignment: the super administrator role is given or taken only by a
    /// super administrator, and other roles only by someone who holds every permission they add.
    /// </summary>
    private async Task EnsureMayGiveAsync(Caller caller, IReadOnlyList<string> roleIds, IReadOnlyList<string> before, CancellationToken cancellationToken)
    {
        if (caller.IsSuperAdmin)
        {
            return;
        }
        var roles = await access.RolesAsync(caller.TenantId, cancellationToken);
        var added = roleIds.Except(before, StringComparer.Ordinal).Select(r => roles.GetValueOrDefault(r)).OfType<Role>().ToList();
        var removed = before.Except(roleIds, StringComparer.Ordinal).Select(r => roles.GetValueOrDefault(r)).OfType<Role>();
        if (added.Concat(removed).Any(r => r.IsSuperAdmin))
        {
            RoleRules.EnsureMayGrantSuperAdmin(caller.Access);
        }
        foreach (var role in added)
        {
            RoleRules.EnsureNoEscalation(caller.Access, role.Permissions, role.DataScope, catalogue.IsScoped);
        }
    }

    public async Task ChangeOwnPasswordAsync(Caller caller, ChangePassword input, CancellationToken cancellationToken)
    {
        var me = await store.GetAsync(caller.TenantId, caller.UserId, cancellationToken);
        if (!await credentials.VerifyAsync(caller.TenantId, me, input.CurrentPassword, cancellationToken))
        {
            throw new ValidationException("currentPassword", "The current password is wrong.", "password.wrong_current");
        }
        await SetPasswordAsync(caller.Write(clock), me.Id, input.NewPassword, cancellationToken);
    }

    private async Task EnsureNotLastSuperAdminAsync(string tenantId, User user, CancellationToken cancellationToken, string action = "disabled")
    {
        if (!user.IsSuperAdmin)
        {
            return;
        }
        var superAdmins = store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("status", "active"), new("isSuperAdmin", "true")], Limit = 2 }, cancellationToken);
        if (await superAdmins.AnyAsync(u => u.Id != user.Id, cancellationToken))
        {
            return;
        }
        throw new ConflictException("user.last_super_admin", $"The last active super administrator cannot be {action}.");
    }

    private static void EnsurePhone(string? phone)
    {
        if (phone is not null && !OrganisationRules.IsValidPhone(phone))
        {
            throw new ValidationException("phone", "Must be a phone number (digits, spaces, dashes, an optional leading +).");
        }
    }

    private async Task EnsureDepartmentAsync(string tenantId, string departmentId, CancellationToken cancellationToken)
    {
        if (await departments.FindAsync(tenantId, departmentId, cancellationToken) is null)
        {
            throw new ValidationException("departmentId", $"No department with id '{departmentId}'.", "user.department_not_found");
        }
    }

    private async Task EnsureUserAsync(string tenantId, string userId, string field, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(tenantId, userId, cancellationToken) is null)
        {
            throw new ValidationException(field, $"No user with id '{userId}'.", "user.superior_not_found");
        }
    }
}
