using Crm.Sales.Customers;
using Crm.Storage.Records;

namespace Crm.Sales.FollowUps;

/// <summary>A customer's follow-ups go with it into a merge; they keep their own owners otherwise.</summary>
internal sealed class CustomerFollowUps(FollowUpService followUps) : ICustomerDependents
{
    private const string Customer = "customer";

    public string Kind => "followUps";

    public bool Transferable => false;

    public Task TransferAsync(WriteContext write, string customerId, string ownerId, bool keepOldOwner, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PoolAsync(WriteContext write, string customerId, string? ownerId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<string>> MergeAsync(WriteContext write, string fromId, string toId, CancellationToken cancellationToken) =>
        followUps.MoveAsync(write, Customer, fromId, Customer, toId, cancellationToken);
}
