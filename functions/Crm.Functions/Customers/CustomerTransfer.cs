using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Functions.Hosting;
using Crm.Functions.Records;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Functions.Customers;

/// <summary>
/// <c>{ids, ownerId, cascade, keepOldOwnerAsMember}</c>. Cascade names the related records that follow
/// the customer: <c>contacts</c> and <c>opportunities</c> so far (contracts join when they exist).
/// </summary>
public sealed record TransferCustomers(
    [property: Required] IReadOnlyList<string>? Ids,
    [property: Required, StringLength(26)] string? OwnerId,
    IReadOnlyList<string>? Cascade = null,
    bool KeepOldOwnerAsMember = false);

/// <summary>
/// Gives customers to another owner (seed 4 "客户转移"), each checked and written on its own like a batch
/// item: the caller's <c>customers.transfer</c> scope must cover the current owner, and a locked customer
/// stays put. Each change is an update of <c>ownerId</c>: audited and in the change feed.
/// </summary>
internal sealed class CustomerTransfer(CustomerService customers, CustomerCascade cascade, RecordGuard guard, OwnerTransfer transfers, TimeProvider clock)
{
    public const string Action = "transfer";
    public static readonly IReadOnlySet<string> Cascades = new HashSet<string>(["contacts", "opportunities"], StringComparer.Ordinal);

    public async Task<BatchOutcome> TransferAsync(Caller caller, TransferCustomers input, CancellationToken cancellationToken)
    {
        if (input.Cascade?.FirstOrDefault(c => !Cascades.Contains(c)) is { } unknown)
        {
            throw new ValidationException("cascade", $"'{unknown}' cannot follow a customer. Known: {string.Join(", ", Cascades)}.", "transfer.unknown_cascade");
        }
        await transfers.EnsureValidAsync(caller, input.Ids, input.OwnerId, input, cancellationToken);
        var cascadeContacts = input.Cascade?.Contains("contacts") == true;
        var cascadeOpportunities = input.Cascade?.Contains("opportunities") == true;
        return await Batch.RunAsync(input.Ids!, async (id, index) =>
        {
            var moved = await TransferOneAsync(caller, id, input.OwnerId!, input.KeepOldOwnerAsMember, cancellationToken);
            // After the customer: a retry of a half-done transfer moves the rest.
            await cascade.TransferAsync(caller.Write(clock).As(Activities.Transferred), id, input.OwnerId!, input.KeepOldOwnerAsMember,
                cascadeContacts, cascadeOpportunities, cancellationToken);
            return new BatchResult(index, 200, moved.Id, RecordShape.Of(caller, customers.Store.TableName, moved));
        });
    }

    /// <summary>A new owner starts the pool rules' clock afresh (<c>ownedSince</c>).</summary>
    private Task<Customer> TransferOneAsync(Caller caller, string id, string ownerId, bool keepOldOwner, CancellationToken cancellationToken) =>
        Ownership.TransferAsync(caller, customers.Store, guard, clock, Action, id, ownerId, keepOldOwner, CustomerLocks.EnsureUnlocked, cancellationToken,
            moved: (c, now) => c with { OwnedSince = now });
}

/// <summary>Owner changes shared by transfers and merges of any owned record.</summary>
internal static class Ownership
{
    /// <summary>The new owner leaves the team (they have every right already); the old one may stay in it, read-write.</summary>
    public static T Transferred<T>(T record, string ownerId, bool keepOldOwner) where T : OwnedRecord
    {
        var team = record.Team.Where(m => m.UserId != ownerId).ToList();
        if (keepOldOwner && record.OwnerId is { } old && old != ownerId)
        {
            team.RemoveAll(m => m.UserId == old);
            if (team.Count >= RecordTeamApi<Customer, CustomerFields, CustomerService>.MaxMembers)
            {
                throw new ConflictException("team.full", $"The team of '{record.Id}' is full; the old owner cannot stay as a member.");
            }
            team.Add(new TeamMember(old, TeamAccess.ReadWrite));
        }
        return (T)(record with { OwnerId = ownerId, Team = team });
    }

    /// <summary>
    /// One record of a bulk transfer: the caller's <paramref name="action"/> scope must cover the current owner,
    /// <paramref name="ensureMovable"/> may refuse the record (locked, converted), and the version checked is the
    /// version written, so a lock or another transfer in between is seen. Written as <see cref="Activities.Transferred"/>;
    /// <paramref name="moved"/> adds what a type records about a real change of owner.
    /// </summary>
    public static async Task<T> TransferAsync<T>(Caller caller, RecordStore<T> store, RecordGuard guard, TimeProvider clock, string action, string id,
        string ownerId, bool keepOldOwner, Action<T> ensureMovable, CancellationToken cancellationToken, Func<T, DateTimeOffset, T>? moved = null) where T : OwnedRecord
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(caller.TenantId, id, cancellationToken);
            await guard.EnsureAsync(caller, store.TypeName, store.TableName, action, current, cancellationToken);
            ensureMovable(current);
            try
            {
                var write = caller.Write(clock).As(Activities.Transferred);
                return await store.UpdateAsync(write, id, current.Version, r => ValueTask.FromResult(
                    Transferred(r, ownerId, keepOldOwner) is var after && moved is not null && after.OwnerId != r.OwnerId ? moved(after, write.Now) : after),
                    cancellationToken: cancellationToken);
            }
            catch (PreconditionFailedException)
            {
                await Contention.WaitAsync(attempt, "customer", id, cancellationToken);
            }
        }
    }
}
