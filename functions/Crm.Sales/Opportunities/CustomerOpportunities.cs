using Crm.Domain.Sales;
using Crm.Sales.Customers;
using Crm.Storage.Records;

namespace Crm.Sales.Opportunities;

/// <summary>A customer's opportunities follow it on a transfer that names them and into a merge; only the open ones go into and out of the pool.</summary>
internal sealed class CustomerOpportunities(OpportunityService opportunities) : OwnedCustomerDependents<Opportunity>(opportunities.Store)
{
    public override string Kind => "opportunities";

    protected override IAsyncEnumerable<Opportunity> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken) =>
        opportunities.OfCustomerAsync(tenantId, customerId, cancellationToken);

    protected override bool FollowsPool(Opportunity record) => record.Status == OpportunityStatus.Open;

    /// <summary>Their contacts (moved too) stay linked.</summary>
    public override async Task<IReadOnlyList<string>> MergeAsync(WriteContext write, string fromId, string toId, CancellationToken cancellationToken)
    {
        var all = await opportunities.OfCustomerAsync(write.TenantId, fromId, cancellationToken).ToListAsync(cancellationToken);
        foreach (var opportunity in all)
        {
            await opportunities.Store.UpdateAsync(write, opportunity.Id, null, o => ValueTask.FromResult(o with { CustomerId = toId }), cancellationToken: cancellationToken);
        }
        return [.. all.Select(o => o.Id)];
    }
}
