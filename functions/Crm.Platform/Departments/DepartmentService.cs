using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Platform.Departments;

/// <summary>The department tree's write rules: one root, unique sibling names, no cycles, delete only when empty.</summary>
public sealed class DepartmentService(RecordStore<Department> store, RecordStore<User> users, TenantStore tenants, AccessDirectory access, TimeProvider clock)
    : IRecordService<Department, CreateDepartment>, IRestoreGuard
{
    public static Type Changes => typeof(DepartmentChanges);

    public RecordStore<Department> Store => store;

    public async Task<Department> CreateAsync(Caller caller, CreateDepartment input, CancellationToken cancellationToken)
    {
        if (input.ParentId is not null)
        {
            await EnsureExistsAsync(caller.TenantId, input.ParentId, cancellationToken);
        }
        // The top department needs no check (and no storage round trip): provisioning creates it before
        // the first user, and it can be neither deleted nor moved.
        var parentId = input.ParentId ?? (await tenants.FindAsync(caller.TenantId, cancellationToken))!.OfficeDepartmentId;
        return await store.CreateAsync(caller.Write(clock), new Department
        {
            Name = input.Name.Trim(),
            ParentId = parentId,
            Description = input.Description,
            SortOrder = input.SortOrder,
        }, cancellationToken: cancellationToken);
    }

    public async Task<Department> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var updated = await store.UpdateAsync(caller.Write(clock), id, ifMatch, async current =>
        {
            var changes = MergePatch.Apply(new DepartmentChanges
            {
                Name = current.Name,
                ParentId = current.ParentId,
                Description = current.Description,
                SortOrder = current.SortOrder,
            }, patch);
            if (changes.ParentId != current.ParentId)
            {
                if (current.ParentId is null || changes.ParentId is null)
                {
                    throw new ConflictException("department.root_fixed", "The top department stays at the top; rename it instead.");
                }
                await EnsureExistsAsync(caller.TenantId, changes.ParentId, cancellationToken);
                await TreeRules.EnsureNoCycleAsync("department", id, changes.ParentId,
                    async d => (await store.FindAsync(caller.TenantId, d, cancellationToken))?.ParentId);
            }
            return current with { Name = changes.Name.Trim(), ParentId = changes.ParentId, Description = changes.Description, SortOrder = changes.SortOrder };
        }, cancellationToken: cancellationToken);
        // A moved department changes what department-and-children scopes reach, at once.
        access.OrganisationChanged(caller.TenantId);
        return updated;
    }

    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var department = await store.GetAsync(caller.TenantId, id, cancellationToken);
        if (department.ParentId is null)
        {
            throw new ConflictException("department.root_fixed", "The top department cannot be deleted.");
        }
        if (await store.AnyWithFieldAsync(caller.TenantId, "parentId", id, cancellationToken))
        {
            throw new ConflictException("department.has_children", "Move or delete the sub-departments first.");
        }
        if (await users.AnyWithFieldAsync(caller.TenantId, "departmentId", id, cancellationToken))
        {
            throw new ConflictException("department.has_users", "Move the department's users to another department first.");
        }
        await store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);
    }

    /// <summary>A department comes back from the recycle bin only under a live parent.</summary>
    public string TypeName => store.TypeName;

    public async Task EnsureCanRestoreAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if ((await store.FindInBinAsync(caller.TenantId, id, cancellationToken))?.ParentId is { } parentId
            && await store.FindAsync(caller.TenantId, parentId, cancellationToken) is null)
        {
            throw new ConflictException("department.parent_deleted", "Restore the parent department first.");
        }
    }

    public Task<IReadOnlyList<TreeNode>> TreeAsync(string tenantId, CancellationToken cancellationToken) =>
        RecordTree.ReadAsync(store, tenantId, d => d.ParentId, d => d.Name, d => d.SortOrder, cancellationToken);

    private async Task EnsureExistsAsync(string tenantId, string departmentId, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(tenantId, departmentId, cancellationToken) is null)
        {
            throw new ValidationException("parentId", $"No department with id '{departmentId}'.", "department.parent_not_found");
        }
    }
}
