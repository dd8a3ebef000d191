using Crm.Domain.Access;
using Crm.Domain.Organisation;
using Crm.Storage.Records;

namespace Crm.Functions.Access;

/// <summary>
/// Where a request learns what its caller may do: the tenant's roles and its org chart, each read
/// whole and cached until the stores behind them change (<see cref="StampedCache{TValue}"/>).
/// </summary>
internal sealed class AccessDirectory
{
    private readonly StampedCache<IReadOnlyDictionary<string, Role>> _roles;
    private readonly StampedCache<OrgChart> _orgs;

    public AccessDirectory(RecordStore<Role> roles, RecordStore<User> users, RecordStore<Department> departments, TimeProvider clock)
    {
        _roles = new(async (tenantId, ct) => await roles.AllAsync(tenantId, ct).ToDictionaryAsync(r => r.Id, StringComparer.Ordinal, ct),
            roles.ChangeStampAsync, clock);
        _orgs = new(async (tenantId, ct) =>
        {
            var people = await users.AllAsync(tenantId, ct).ToDictionaryAsync(u => u.Id, u => new OrgPosition(u.SuperiorId, u.DepartmentId), StringComparer.Ordinal, ct);
            var tree = await departments.AllAsync(tenantId, ct).ToDictionaryAsync(d => d.Id, d => d.ParentId, StringComparer.Ordinal, ct);
            return new OrgChart(people, tree);
        }, async (tenantId, ct) =>
        {
            var stamps = await Task.WhenAll(users.ChangeStampAsync(tenantId, ct), departments.ChangeStampAsync(tenantId, ct));
            return string.Join('|', stamps);
        }, clock);
    }

    public Task<IReadOnlyDictionary<string, Role>> RolesAsync(string tenantId, CancellationToken cancellationToken) =>
        _roles.GetAsync(tenantId, cancellationToken);

    public Task<OrgChart> OrgChartAsync(string tenantId, CancellationToken cancellationToken) => _orgs.GetAsync(tenantId, cancellationToken);

    /// <summary>The union of the user's roles; roles since deleted simply no longer count.</summary>
    public async Task<AccessProfile> ProfileAsync(string tenantId, User user, CancellationToken cancellationToken)
    {
        var roles = await RolesAsync(tenantId, cancellationToken);
        return AccessProfile.From(user.RoleIds.Select(id => roles.GetValueOrDefault(id)).OfType<Role>());
    }

    /// <summary>Called by the features that change roles, users or departments, so this replica sees it at once.</summary>
    public void RolesChanged(string tenantId) => _roles.Invalidate(tenantId);

    public void OrganisationChanged(string tenantId) => _orgs.Invalidate(tenantId);
}
