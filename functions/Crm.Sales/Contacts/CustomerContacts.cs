using Crm.Domain.Sales;
using Crm.Sales.Customers;
using Crm.Storage.Records;

namespace Crm.Sales.Contacts;

/// <summary>A customer's contacts follow it on a transfer that names them, into and out of the pool, and into a merge.</summary>
internal sealed class CustomerContacts(ContactService contacts) : OwnedCustomerDependents<Contact>(contacts.Store)
{
    public override string Kind => "contacts";

    protected override IAsyncEnumerable<Contact> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken) =>
        contacts.OfCustomerAsync(tenantId, customerId, cancellationToken);

    /// <summary>The reports-to links are kept (they move together). A moved primary contact stays primary only when the target has none yet.</summary>
    public override async Task<IReadOnlyList<string>> MergeAsync(WriteContext write, string fromId, string toId, CancellationToken cancellationToken)
    {
        var all = await contacts.OfCustomerAsync(write.TenantId, fromId, cancellationToken).ToListAsync(cancellationToken);
        foreach (var contact in all)
        {
            var targetHasPrimary = contact.IsPrimary
                && await contacts.Store.FindIdByUniqueKeyAsync(write.TenantId, "primary", toId, cancellationToken) is not null;
            await contacts.Store.UpdateAsync(write, contact.Id, null,
                c => ValueTask.FromResult(c with { CustomerId = toId, IsPrimary = c.IsPrimary && !targetHasPrimary }), cancellationToken: cancellationToken);
        }
        return [.. all.Select(c => c.Id)];
    }
}
