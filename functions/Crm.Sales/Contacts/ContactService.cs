using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Sales.Contacts;

/// <summary>
/// A contact's write rules: it belongs to a customer the writer can see, for good (a merge is the only
/// move); it reports to a contact of the same customer without a cycle; one primary per customer.
/// </summary>
internal sealed class ContactService(RecordStore<Contact> store, RecordStore<Customer> customers, OwnedAccess access, TimeProvider clock)
    : RecordService<Contact, ContactFields>(store, access, clock), IRestoreGuard
{
    public string TypeName => "contact";

    /// <summary>The owner defaults to the customer's owner, so a customer's people stay in its owner's book.</summary>
    protected override async ValueTask<Contact> CreatingAsync(Caller caller, ContactFields input, Contact contact, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var customer = await VisibleCustomerAsync(caller, input.CustomerId, cancellationToken);
        if (input.ReportsToId is { } boss)
        {
            await EnsureColleagueAsync(caller, customer.Id, boss, cancellationToken);
        }
        return contact with { OwnerId = input.OwnerId ?? customer.OwnerId ?? caller.UserId };
    }

    protected override async ValueTask<Contact> UpdatingAsync(Caller caller, Contact current, ContactFields changes, Contact updated, CancellationToken cancellationToken)
    {
        if (updated.ReportsToId is { } boss && boss != current.ReportsToId)
        {
            // Seen first: a cycle answer for a contact out of sight would confirm that it exists.
            if (boss != current.Id)
            {
                await EnsureColleagueAsync(caller, current.CustomerId, boss, cancellationToken);
            }
            if (boss == current.Id || await ContactHierarchy.WouldCycleAsync(current.Id, boss, async c => (await Store.FindAsync(caller.TenantId, c, cancellationToken))?.ReportsToId))
            {
                throw new ConflictException("contact.reports_to_cycle", "This reports-to link would make a contact their own superior.");
            }
        }
        return updated;
    }

    /// <summary>A contact comes back only to a live customer, so a restore never leaves an orphan.</summary>
    public async Task EnsureCanRestoreAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await Store.FindInBinAsync(caller.TenantId, id, cancellationToken) is { } contact
            && await customers.FindAsync(caller.TenantId, contact.CustomerId, cancellationToken) is null)
        {
            throw new ConflictException("contact.customer_deleted", $"The contact's customer '{contact.CustomerId}' is deleted; restore it first.");
        }
    }

    /// <summary>Every live contact of a customer, whoever owns it (transfer and merge move them all).</summary>
    public IAsyncEnumerable<Contact> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken) =>
        Store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("customerId", customerId)], Limit = 200 }, cancellationToken);

    /// <summary>A customer the caller can see; any other id answers alike, so none is confirmed.</summary>
    private async Task<Customer> VisibleCustomerAsync(Caller caller, string customerId, CancellationToken cancellationToken) =>
        await Access.FindVisibleAsync(caller, customers, customerId, cancellationToken)
            ?? throw new ValidationException("customerId", $"No customer with id '{customerId}'.", "contact.customer_not_found");

    /// <summary>A contact of the same customer the caller can see; one out of their sight answers as an unknown id.</summary>
    private async Task EnsureColleagueAsync(Caller caller, string customerId, string reportsToId, CancellationToken cancellationToken)
    {
        if (await Access.FindVisibleAsync(caller, Store, reportsToId, cancellationToken) is not { } boss || boss.CustomerId != customerId)
        {
            throw new ValidationException("reportsToId", "Must be a contact of the same customer.", "contact.reports_to_invalid");
        }
    }
}
