using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Sales.Customers;

/// <summary>
/// <c>{ids, ownerId, cascade, keepOldOwnerAsMember}</c>. Cascade names the related records that follow
/// the customer: <c>contacts</c>, <c>opportunities</c>, and whatever later modules add (<c>quotes</c>, <c>contracts</c>).
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

    public async Task<BatchOutcome> TransferAsync(Caller caller, TransferCustomers input, CancellationToken cancellationToken)
    {
        var known = cascade.Transferable;
        if (input.Cascade?.FirstOrDefault(c => !known.Contains(c)) is { } unknown)
        {
            throw new ValidationException("cascade", $"'{unknown}' cannot follow a customer. Known: {string.Join(", ", known)}.", "transfer.unknown_cascade");
        }
        await transfers.EnsureValidAsync(caller, input.Ids, input.OwnerId, input, cancellationToken);
        var cascades = (input.Cascade ?? []).ToHashSet(StringComparer.Ordinal);
        return await Batch.RunAsync(input.Ids!, async (id, index) =>
        {
            var moved = await TransferOneAsync(caller, id, input.OwnerId!, input.KeepOldOwnerAsMember, cancellationToken);
            // After the customer: a retry of a half-done transfer moves the rest.
            await cascade.TransferAsync(caller.Write(clock).As(Activities.Transferred), id, input.OwnerId!, input.KeepOldOwnerAsMember,
                cascades, cancellationToken);
            return new BatchResult(index, 200, moved.Id, RecordShape.Of(caller, customers.Store.TableName, moved));
        });
    }

    /// <summary>A new owner starts the pool rules' clock afresh (<c>ownedSince</c>).</summary>
    private Task<Customer> TransferOneAsync(Caller caller, string id, string ownerId, bool keepOldOwner, CancellationToken cancellationToken) =>
        Ownership.TransferAsync(caller, customers.Store, guard, clock, Action, id, ownerId, keepOldOwner, CustomerLocks.EnsureUnlocked, cancellationToken,
            moved: (c, now) => c with { OwnedSince = now });
}
