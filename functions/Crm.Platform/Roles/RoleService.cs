using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Roles;

/// <summary>
/// Roles: catalogue permissions only, no escalation, the super administrator role fixed, built-in
/// and assigned roles never deleted. Every write applies on this replica at once.
/// </summary>
public sealed class RoleService(RecordStore<Role> store, RecordStore<User> users, AccessDirectory access, PermissionCatalogue catalogue, TimeProvider clock)
    : IRecordService<Role, CreateRole>
{
    public static Type Changes => typeof(RoleChanges);

    public RecordStore<Role> Store => store;

    public async Task<Role> CreateAsync(Caller caller, CreateRole input, CancellationToken cancellationToken)
    {
        var permissions = Distinct(input.Permissions);
        RoleRules.Validate(permissions, input.FieldRules, catalogue.Modules);
        RoleRules.EnsureNoEscalation(caller.Access, permissions, input.DataScope, catalogue.IsScoped);
        var created = await store.CreateAsync(caller.Write(clock), new Role
        {
            Name = input.Name.Trim(),
            Description = input.Description,
            Permissions = permissions,
            DataScope = input.DataScope,
            FieldRules = input.FieldRules,
        }, cancellationToken: cancellationToken);
        access.RolesChanged(caller.TenantId);
        return created;
    }

    public async Task<Role> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var updated = await store.UpdateAsync(caller.Write(clock), id, ifMatch, current =>
        {
            var changes = MergePatch.Apply(new RoleChanges
            {
                Name = current.Name,
                Description = current.Description,
                Permissions = current.Permissions,
                DataScope = current.DataScope,
                FieldRules = current.FieldRules,
            }, patch);
            var permissions = Distinct(changes.Permissions);
            if (current.IsSuperAdmin && (!permissions.SequenceEqual(current.Permissions) || changes.DataScope != current.DataScope
                || !changes.FieldRules.SequenceEqual(current.FieldRules)))
            {
                throw SuperAdminFixed("The super administrator role always has every permission, scope all and no field rules; only its name and description change.");
            }
            RoleRules.Validate(permissions, changes.FieldRules, catalogue.Modules);
            RoleRules.EnsureNoEscalation(caller.Access, permissions, changes.DataScope, catalogue.IsScoped, current.Permissions, current.DataScope);
            return ValueTask.FromResult(current with
            {
                Name = changes.Name.Trim(),
                Description = changes.Description,
                Permissions = permissions,
                DataScope = changes.DataScope,
                FieldRules = changes.FieldRules,
            });
        }, cancellationToken: cancellationToken);
        access.RolesChanged(caller.TenantId);
        return updated;
    }

    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var role = await store.GetAsync(caller.TenantId, id, cancellationToken);
        if (role.IsSuperAdmin)
        {
            throw SuperAdminFixed("The super administrator role cannot be deleted.");
        }
        if (role.BuiltIn is not null)
        {
            throw new ConflictException("role.built_in", $"'{role.Name}' is a built-in role; change it instead of deleting it.");
        }
        // Users are read whole for the org chart too; a tenant has hundreds, not millions.
        if (await users.AllAsync(caller.TenantId, cancellationToken).AnyAsync(u => u.RoleIds.Contains(id, StringComparer.Ordinal), cancellationToken))
        {
            throw new ConflictException("role.in_use", $"Users still hold the role '{role.Name}'; take it from them first.");
        }
        await store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);
        access.RolesChanged(caller.TenantId);
    }

    private static List<string> Distinct(IEnumerable<string> permissions) => [.. permissions.Distinct(StringComparer.Ordinal)];

    private static ConflictException SuperAdminFixed(string message) => new("role.super_admin_fixed", message);
}
