using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Access;

/// <summary>
/// The owned-record rule (<see cref="RecordAccess"/>) as a yes or no, for answers that must not reveal
/// what the caller may not see: a duplicate's id, a possible duplicate in someone else's book.
/// </summary>
public sealed class OwnedAccess(AccessDirectory directory, TimeProvider clock)
{
    public async Task<bool> MayAsync(Caller caller, string module, string action, IOwnedRecord record, CancellationToken cancellationToken)
    {
        if (caller.IsSuperAdmin)
        {
            return true;
        }
        var org = await directory.OrgChartAsync(caller.TenantId, cancellationToken);
        return RecordAccess.Decide(caller.Access, org, caller.UserId, module, action, record.OwnerId, record.Team, clock.GetUtcNow()) == AccessDecision.Allowed;
    }

    public Task<bool> MaySeeAsync(Caller caller, string module, IOwnedRecord record, CancellationToken cancellationToken) =>
        MayAsync(caller, module, Permissions.Actions.View, record, cancellationToken);

    /// <summary>
    /// The record a link names (customerId, reportsToId, contacts[].contactId...) if the caller may see it, else null:
    /// a missing id and one out of the caller's sight answer alike, so setting a link never confirms that a record exists.
    /// </summary>
    public async Task<T?> FindVisibleAsync<T>(Caller caller, RecordStore<T> store, string id, CancellationToken cancellationToken)
        where T : RecordBase, IOwnedRecord =>
        await store.FindAsync(caller.TenantId, id, cancellationToken) is { } record && await MaySeeAsync(caller, store.TableName, record, cancellationToken)
            ? record
            : null;

    /// <summary>A new owner must be a user of the tenant who can still sign in.</summary>
    public async Task EnsureActiveUserAsync(string tenantId, string userId, string field, CancellationToken cancellationToken)
    {
        var user = await directory.UserAsync(tenantId, userId, cancellationToken);
        if (user is null)
        {
            throw new ValidationException(field, $"No user with id '{userId}'.", "record.owner_not_found");
        }
        if (user.Status != Domain.Organisation.UserStatus.Active)
        {
            throw new ValidationException(field, $"The user '{userId}' is disabled and cannot own records.", "record.owner_inactive");
        }
    }
}
