using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Records;

/// <summary><c>{ids, ownerId, keepOldOwnerAsMember}</c>: a bulk transfer of leads or opportunities.</summary>
public sealed record TransferRecords(
    [property: Required] IReadOnlyList<string>? Ids,
    [property: Required, StringLength(26)] string? OwnerId,
    bool KeepOldOwnerAsMember = false);

/// <summary>
/// Gives up to 100 owned records to another active user, each checked and written on its own like a batch
/// item (200, or 207 with each item's outcome): the caller's <c>{module}.transfer</c> scope must cover the
/// current owner, and the record type may refuse a record (a converted lead). Customers add cascades on top.
/// </summary>
public sealed class OwnerTransfer(RecordGuard guard, OwnedAccess access, TimeProvider clock)
{
    public const string Action = "transfer";

    public async Task<BatchOutcome> TransferAsync<T>(Caller caller, RecordStore<T> store, TransferRecords input, Action<T> ensureMovable, CancellationToken cancellationToken)
        where T : OwnedRecord
    {
        await EnsureValidAsync(caller, input.Ids, input.OwnerId, input, cancellationToken);
        return await Batch.RunAsync(input.Ids!, async (id, index) =>
        {
            var moved = await Ownership.TransferAsync(caller, store, guard, clock, Action, id, input.OwnerId!, input.KeepOldOwnerAsMember, ensureMovable, cancellationToken);
            return new BatchResult(index, 200, moved.Id, RecordShape.Of(caller, store.TableName, moved));
        });
    }

    /// <summary>The request's shape, 1 to 100 ids, and a new owner who is an active user of the tenant.</summary>
    public async Task EnsureValidAsync(Caller caller, IReadOnlyList<string>? ids, string? ownerId, object input, CancellationToken cancellationToken)
    {
        RequestValidation.Validate(input);
        if (ids is not { Count: > 0 and <= Batch.MaxItems })
        {
            throw new ValidationException("ids", $"Give 1 to {Batch.MaxItems} ids.");
        }
        await access.EnsureActiveUserAsync(caller.TenantId, ownerId!, "ownerId", cancellationToken);
    }
}

/// <summary>Owner changes shared by transfers and merges of any owned record.</summary>
public static class Ownership
{
    /// <summary>Each team member adds an index row to the record's transaction (at most 100 rows), so teams stay small.</summary>
    public const int MaxMembers = 20;

    /// <summary>The new owner leaves the team (they have every right already); the old one may stay in it, read-write.</summary>
    public static T Transferred<T>(T record, string ownerId, bool keepOldOwner) where T : OwnedRecord
    {
        var team = record.Team.Where(m => m.UserId != ownerId).ToList();
        if (keepOldOwner && record.OwnerId is { } old && old != ownerId)
        {
            team.RemoveAll(m => m.UserId == old);
            if (team.Count >= MaxMembers)
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
                await Contention.WaitAsync(attempt, store.TypeName, id, cancellationToken);
            }
        }
    }
}
