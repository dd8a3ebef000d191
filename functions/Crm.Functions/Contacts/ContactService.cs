using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Functions.Customers;
using Crm.Functions.Hosting;
using Crm.Functions.Records;
using Crm.Storage.Records;

namespace Crm.Functions.Contacts;

/// <summary>
/// A contact's write rules: it belongs to a customer the writer can see, for good (a merge is the only
/// move); it reports to a contact of the same customer without a cycle; one primary per customer.
/// </summary>
internal sealed class ContactService(RecordStore<Contact> store, RecordStore<Customer> customers, SalesAccess access, TimeProvider clock)
    : IRecordService<Contact, CreateContact>, IRestoreGuard
{
    public static Type Changes => typeof(ContactChanges);

    public RecordStore<Contact> Store => store;

    public string TypeName => "contact";

    /// <summary>The owner defaults to the customer's owner, so a customer's people stay in its owner's book.</summary>
    public Task<Contact> CreateAsync(Caller caller, CreateContact input, CancellationToken cancellationToken) =>
        CreateAsync(caller, input, null, cancellationToken);

    /// <summary>A create with a reserved id, an activity and links set by the feature making it (<see cref="RecordSeed{T}"/>).</summary>
    public async Task<Contact> CreateAsync(Caller caller, CreateContact input, RecordSeed<Contact>? seed, CancellationToken cancellationToken)
    {
        var customer = await VisibleCustomerAsync(caller, input.CustomerId, cancellationToken);
        if (input.ReportsToId is { } boss)
        {
            await EnsureColleagueAsync(caller, customer.Id, boss, cancellationToken);
        }
        var contact = Apply(new Contact
        {
            CustomerId = customer.Id,
            OwnerId = input.OwnerId ?? customer.OwnerId ?? caller.UserId,
            CustomFields = input.CustomFields ?? [],
        }, input);
        return await PrimaryAsync(caller, () => store.CreateAsync(seed?.Write(caller.Write(clock)) ?? caller.Write(clock), seed?.Apply(contact) ?? contact,
            cancellationToken: cancellationToken), cancellationToken);
    }

    public Task<Contact> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken) =>
        PrimaryAsync(caller, () => store.UpdateAsync(caller.Write(clock), id, ifMatch, async current =>
        {
            var changes = MergePatch.Apply(new ContactChanges
            {
                CustomerId = current.CustomerId,
                Name = current.Name,
                Title = current.Title,
                Department = current.Department,
                Phone = current.Phone,
                Mobile = current.Mobile,
                Email = current.Email,
                Wechat = current.Wechat,
                DecisionRole = current.DecisionRole,
                IsPrimary = current.IsPrimary,
                ReportsToId = current.ReportsToId,
                Birthday = current.Birthday,
                Notes = current.Notes,
                OwnerId = current.OwnerId,
                CustomFields = current.CustomFields,
            }, patch);
            if (changes.CustomerId != current.CustomerId)
            {
                throw new ValidationException("customerId", "A contact stays with its customer; create a contact at the other customer, or merge the customers.", "contact.customer_fixed");
            }
            if (changes.ReportsToId is { } boss && boss != current.ReportsToId)
            {
                // Seen first: a cycle answer for a contact out of sight would confirm that it exists.
                if (boss != id)
                {
                    await EnsureColleagueAsync(caller, current.CustomerId, boss, cancellationToken);
                }
                if (boss == id || await ContactHierarchy.WouldCycleAsync(id, boss, async c => (await store.FindAsync(caller.TenantId, c, cancellationToken))?.ReportsToId))
                {
                    throw new ConflictException("contact.reports_to_cycle", "This reports-to link would make a contact their own superior.");
                }
            }
            return Apply(current, changes) with { CustomFields = changes.CustomFields };
        }, cancellationToken: cancellationToken), cancellationToken);

    public Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken) =>
        store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);

    /// <summary>A contact comes back only to a live customer, so a restore never leaves an orphan.</summary>
    public async Task EnsureCanRestoreAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await store.FindInBinAsync(caller.TenantId, id, cancellationToken) is { } contact
            && await customers.FindAsync(caller.TenantId, contact.CustomerId, cancellationToken) is null)
        {
            throw new ConflictException("contact.customer_deleted", $"The contact's customer '{contact.CustomerId}' is deleted; restore it first.");
        }
    }

    /// <summary>Every live contact of a customer, whoever owns it (transfer and merge move them all).</summary>
    public IAsyncEnumerable<Contact> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken) =>
        store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("customerId", customerId)], Limit = 200 }, cancellationToken);

    /// <summary>A customer the caller can see; any other id answers alike, so none is confirmed.</summary>
    private async Task<Customer> VisibleCustomerAsync(Caller caller, string customerId, CancellationToken cancellationToken) =>
        await access.FindVisibleAsync(caller, customers, customerId, cancellationToken)
            ?? throw new ValidationException("customerId", $"No customer with id '{customerId}'.", "contact.customer_not_found");

    /// <summary>A contact of the same customer the caller can see; one out of their sight answers as an unknown id.</summary>
    private async Task EnsureColleagueAsync(Caller caller, string customerId, string reportsToId, CancellationToken cancellationToken)
    {
        if (await access.FindVisibleAsync(caller, store, reportsToId, cancellationToken) is not { } boss || boss.CustomerId != customerId)
        {
            throw new ValidationException("reportsToId", "Must be a contact of the same customer.", "contact.reports_to_invalid");
        }
    }

    /// <summary>The primary-contact conflict names the current primary only to a caller who may see that contact.</summary>
    private async Task<Contact> PrimaryAsync(Caller caller, Func<Task<Contact>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await write();
        }
        catch (ConflictException e) when (e.Code == ContactRecordType.PrimaryExists)
        {
            var existing = e.Extensions.TryGetValue("existingId", out var id) && id is string existingId
                ? await store.FindAsync(caller.TenantId, existingId, cancellationToken) : null;
            var visible = existing is not null && await access.MaySeeAsync(caller, store.TableName, existing, cancellationToken);
            throw new ConflictException(e.Code, e.Message, visible ? new Dictionary<string, object?> { ["existingId"] = existing!.Id } : null);
        }
    }

    private static Contact Apply(Contact contact, ContactFields fields) => contact with
    {
        Name = fields.Name.Trim(),
        Title = TextNormalizer.Trimmed(fields.Title),
        Department = TextNormalizer.Trimmed(fields.Department),
        Phone = TextNormalizer.Trimmed(fields.Phone),
        Mobile = TextNormalizer.Trimmed(fields.Mobile),
        Email = TextNormalizer.Trimmed(fields.Email),
        Wechat = TextNormalizer.Trimmed(fields.Wechat),
        DecisionRole = TextNormalizer.Trimmed(fields.DecisionRole),
        IsPrimary = fields.IsPrimary,
        ReportsToId = TextNormalizer.Trimmed(fields.ReportsToId),
        Birthday = fields.Birthday,
        Notes = TextNormalizer.Trimmed(fields.Notes),
    };

}
