using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Sales.Customers;

/// <summary>
/// Records that belong to a customer (contacts, opportunities, follow-ups), contributed by the feature that owns
/// them, so that a customer's own actions take them along without the customers feature knowing them.
/// </summary>
public interface ICustomerDependents
{
    /// <summary>What the merge answer and a transfer's options call them: <c>contacts</c>, <c>opportunities</c>, <c>followUps</c>.</summary>
    string Kind { get; }

    /// <summary>Whether a transfer's <c>cascade</c> may name this kind (follow-ups keep their own owners).</summary>
    bool Transferable => true;

    /// <summary>A transfer that names this kind: each goes to <paramref name="ownerId"/> as the customer did.</summary>
    Task TransferAsync(WriteContext write, string customerId, string ownerId, bool keepOldOwner, CancellationToken cancellationToken);

    /// <summary>Into the public pool (<paramref name="ownerId"/> null) or out of it to <paramref name="ownerId"/>.</summary>
    Task PoolAsync(WriteContext write, string customerId, string? ownerId, CancellationToken cancellationToken);

    /// <summary>A merge: everything of <paramref name="fromId"/> goes to <paramref name="toId"/>; the ids moved.</summary>
    Task<IReadOnlyList<string>> MergeAsync(WriteContext write, string fromId, string toId, CancellationToken cancellationToken);
}

/// <summary>
/// The records that follow a customer when its owner changes: those of the kinds a transfer names, and on a
/// move into or out of the public pool what each kind says goes with it (contacts, open opportunities). Each
/// record is written after the customer, and a change that is already in place writes nothing, so repeating
/// the move finishes one that stopped half-way.
/// </summary>
internal sealed class CustomerCascade(IEnumerable<ICustomerDependents> dependents)
{
    public IReadOnlyList<ICustomerDependents> Dependents { get; } = [.. dependents];

    /// <summary>The kinds a transfer's <c>cascade</c> may name.</summary>
    public IReadOnlyList<string> Transferable => [.. Dependents.Where(d => d.Transferable).Select(d => d.Kind)];

    /// <summary>A transfer: the named kinds go to <paramref name="ownerId"/> as the customer did.</summary>
    public async Task TransferAsync(WriteContext write, string customerId, string ownerId, bool keepOldOwner, IReadOnlySet<string> kinds,
        CancellationToken cancellationToken)
    {
        foreach (var kind in Dependents.Where(d => kinds.Contains(d.Kind)))
        {
            await kind.TransferAsync(write, customerId, ownerId, keepOldOwner, cancellationToken);
        }
    }

    /// <summary>
    /// Into the pool: what goes with the customer loses its owner and team, so the old owner keeps none of its
    /// phone numbers and nobody below an "all" scope sees them until it is taken.
    /// </summary>
    public Task ToPoolAsync(WriteContext write, string customerId, CancellationToken cancellationToken) => PoolAsync(write, customerId, null, cancellationToken);

    /// <summary>Out of the pool: what went in with the customer (owner-less) goes to its new owner; anything someone owns stays theirs.</summary>
    public Task FromPoolAsync(WriteContext write, string customerId, string ownerId, CancellationToken cancellationToken) => PoolAsync(write, customerId, ownerId, cancellationToken);

    private async Task PoolAsync(WriteContext write, string customerId, string? ownerId, CancellationToken cancellationToken)
    {
        foreach (var kind in Dependents)
        {
            await kind.PoolAsync(write, customerId, ownerId, cancellationToken);
        }
    }
}

/// <summary>
/// Owned records of a customer (contacts, opportunities): a transfer that names them moves them to the new owner,
/// and they go into and out of the public pool with it. Each record is written on its own, as stored when written,
/// so a concurrent edit is kept; one deleted meanwhile is skipped.
/// </summary>
public abstract class OwnedCustomerDependents<T>(RecordStore<T> store) : ICustomerDependents where T : OwnedRecord
{
    protected RecordStore<T> Store => store;

    public abstract string Kind { get; }

    protected abstract IAsyncEnumerable<T> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken);

    /// <summary>Whether the record goes into and out of the pool with its customer (a closed deal stays with whoever closed it).</summary>
    protected virtual bool FollowsPool(T record) => true;

    public abstract Task<IReadOnlyList<string>> MergeAsync(WriteContext write, string fromId, string toId, CancellationToken cancellationToken);

    public Task TransferAsync(WriteContext write, string customerId, string ownerId, bool keepOldOwner, CancellationToken cancellationToken) =>
        MoveEachAsync(write, customerId, r => Ownership.Transferred(r, ownerId, keepOldOwner), cancellationToken);

    public Task PoolAsync(WriteContext write, string customerId, string? ownerId, CancellationToken cancellationToken) =>
        MoveEachAsync(write, customerId, r => FollowsPool(r) ? PoolMoved(r, ownerId) : r, cancellationToken);

    /// <summary>Going in (no owner), it loses owner and team; coming out, the new owner takes it only if nobody owns it.</summary>
    private static T PoolMoved(T record, string? ownerId)
    {
        if (ownerId is null)
        {
            return record.OwnerId is null && record.Team.Count == 0 ? record : record with { OwnerId = null, Team = [] };
        }
        return record.OwnerId is null ? record with { OwnerId = ownerId, Team = [] } : record;
    }

    private async Task MoveEachAsync(WriteContext write, string customerId, Func<T, T> move, CancellationToken cancellationToken)
    {
        await foreach (var record in OfCustomerAsync(write.TenantId, customerId, cancellationToken))
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
