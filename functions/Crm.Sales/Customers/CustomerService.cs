using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Sales.Customers;

/// <summary>
/// A customer's write rules: a name unique in the tenant (the conflict names the existing customer only
/// to a caller who may see it) and no deletion while contacts or opportunities still belong to it.
/// </summary>
internal sealed class CustomerService(RecordStore<Customer> store, RecordStore<Contact> contacts, RecordStore<Opportunity> opportunities,
    IEnumerable<ICustomerDeleteCheck> deleteChecks, OwnedAccess access, TimeProvider clock)
    : RecordService<Customer, CustomerFields>(store, access, clock)
{
    /// <summary>
    /// A customer with contacts or opportunities is not deleted (409 <c>customer.has_contacts</c>,
    /// <c>customer.has_opportunities</c>): they would be left pointing at a binned customer. Delete or
    /// merge them first; merging moves them for you.
    /// </summary>
    protected override async Task DeletingAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await contacts.AnyWithFieldAsync(caller.TenantId, "customerId", id, cancellationToken))
        {
            throw new ConflictException("customer.has_contacts", "This customer still has contacts; delete them, or merge the customer into another, first.");
        }
        if (await opportunities.AnyWithFieldAsync(caller.TenantId, "customerId", id, cancellationToken))
        {
            throw new ConflictException("customer.has_opportunities", "This customer still has opportunities; delete them, or merge the customer into another, first.");
        }
        foreach (var check in deleteChecks)
        {
            await check.EnsureCanDeleteAsync(caller.TenantId, id, cancellationToken);
        }
    }

    protected override string HiddenHolder(ConflictException conflict) => conflict.Message + " It is outside your data scope: ask its owner or a manager.";
}

/// <summary>What a later module keeps a customer from being deleted for (live contracts): it throws a 409 that says why.</summary>
public interface ICustomerDeleteCheck
{
    Task EnsureCanDeleteAsync(string tenantId, string customerId, CancellationToken cancellationToken);
}
