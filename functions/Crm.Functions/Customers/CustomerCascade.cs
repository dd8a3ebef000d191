using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Functions.Contacts;
using Crm.Functions.Opportunities;
using Crm.Storage.Records;

namespace Crm.Functions.Customers;

/// <summary>
/// The records that follow a customer when its owner changes: its contacts, and its opportunities (all of them
/// on a transfer that names them; the open ones on a move into or out of the public pool, a closed deal staying
/// with whoever closed it). Each record is written on its own after the customer, and a change that is already
/// in place writes nothing, so repeating the move finishes one that stopped half-way.
/// </summary>
internal sealed class CustomerCascade(ContactService contacts, OpportunityService opportunities)
{
    /// <summary>A transfer: the named related records go to <paramref name="ownerId"/> as the customer did.</summary>
    public async Task TransferAsync(WriteContext write, string customerId, string ownerId, bool keepOldOwner, bool moveContacts, bool moveOpportunities,
        CancellationToken cancellationToken)
    {
        if (moveContacts)
        {
            await MoveAsync(contacts.Store, contacts.OfCustomerAsync(write.TenantId, customerId, cancellationToken), write,
                c => Ownership.Transferred(c, ownerId, keepOldOwner), cancellationToken);
        }
        if (moveOpportunities)
        {
            await MoveAsync(opportunities.Store, opportunities.OfCustomerAsync(write.TenantId, customerId, cancellationToken), write,
                o => Ownership.Transferred(o, ownerId, keepOldOwner), cancellationToken);
        }
    }

    /// <summary>
    /// Into the pool: the contacts and open opportunities lose their owner and team with the customer, so the
    /// old owner keeps none of its phone numbers and nobody below an "all" scope sees them until it is taken.
    /// </summary>
    public Task ToPoolAsync(WriteContext write, string customerId, CancellationToken cancellationToken) =>
        PoolMoveAsync(write, customerId, r => r.OwnerId is null && r.Team.Count == 0 ? r : r with { OwnerId = null, Team = [] }, cancellationToken);

    /// <summary>Out of the pool: what went in with the customer (owner-less) goes to its new owner; anything someone owns stays theirs.</summary>
    public Task FromPoolAsync(WriteContext write, string customerId, string ownerId, CancellationToken cancellationToken) =>
        PoolMoveAsync(write, customerId, r => r.OwnerId is null ? r with { OwnerId = ownerId, Team = [] } : r, cancellationToken);

    private async Task PoolMoveAsync(WriteContext write, string customerId, Func<OwnedRecord, OwnedRecord> move, CancellationToken cancellationToken)
    {
        await MoveAsync(contacts.Store, contacts.OfCustomerAsync(write.TenantId, customerId, cancellationToken), write, c => (Contact)move(c), cancellationToken);
        await MoveAsync(opportunities.Store, opportunities.OfCustomerAsync(write.TenantId, customerId, cancellationToken), write,
            o => o.Status == OpportunityStatus.Open ? (Opportunity)move(o) : o, cancellationToken);
    }

    /// <summary>The change is applied to each record as stored when written, so a concurrent edit is kept and a closed deal stays closed.</summary>
    private static async Task MoveAsync<T>(RecordStore<T> store, IAsyncEnumerable<T> records, WriteContext write, Func<T, T> move, CancellationToken cancellationToken)
        where T : OwnedRecord
    {
        await foreach (var record in records)
        {
            try
            {
                await store.UpdateAsync(write, record.Id, null, r => ValueTask.FromResult(move(r)), cancellationToken: cancellationToken);
            }
            catch (NotFoundException)
            {
                // Deleted meanwhile: nothing left to move.
            }
        }
    }
}
