using System.Collections.Concurrent;
using Crm.Domain.Access;
using Crm.Domain.Organisation;
using Crm.Storage.Records;

namespace Crm.Platform.Access;

/// <summary>
/// Where a request learns what its caller may do: the tenant's roles and its org chart, each read
/// whole and cached until the stores behind them change (<see cref="StampedCache{TValue}"/>), and the
/// caller's own user record, kept briefly.
/// </summary>
public sealed class AccessDirectory
{
    /// <summary>How long another replica's change to a user (disabled, new roles) may take to apply here.</summary>
    private static readonly TimeSpan UserCacheFor = TimeSpan.FromSeconds(5);

    private readonly StampedCache<IReadOnlyDictionary<string, Role>> _roles;
    private readonly StampedCache<OrgChart> _orgs;
    private readonly ConcurrentDictionary<(string, string), (Task<User?> User, DateTimeOffset Until)> _users = new();
    private readonly RecordStore<User> _userStore;
    private readonly TimeProvider _clock;

    public AccessDirectory(RecordStore<Role> roles, RecordStore<User> users, RecordStore<Department> departments, TimeProvider clock)
    {
        _userStore = users;
        _clock = clock;
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

    /// <summary>
    /// The user behind a request. The cache holds the read itself, so concurrent requests of one user
    /// share one storage read when the entry expires. A failed read is not kept.
    /// </summary>
    public async Task<User?> UserAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var key = (tenantId, userId);
        if (!_users.TryGetValue(key, out var entry) || entry.Until <= now || entry.User.IsFaulted || entry.User.IsCanceled)
        {
            entry = (_userStore.FindAsync(tenantId, userId, CancellationToken.None), now + UserCacheFor);
            _users[key] = entry;
        }
        return await entry.User.WaitAsync(cancellationToken);
    }

    /// <summary>Called when a user's roles or status change, so their next request on this replica sees it.</summary>
    public void UserChanged(string tenantId, string userId) => _users.TryRemove((tenantId, userId), out _);
}
