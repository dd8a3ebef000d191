using System.ComponentModel.DataAnnotations;
using Crm.Functions.Access;
using Crm.Domain.Common;
using Crm.Functions.Hosting;
using Crm.Functions.Records;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Functions.Customers;

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
internal sealed class OwnerTransfer(RecordGuard guard, OwnedAccess access, TimeProvider clock)
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
