using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Sales.Customers;
using Crm.Sales.Opportunities;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

using ContactRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Contact, Crm.Sales.Contacts.ContactFields, Crm.Sales.Contacts.ContactService>;
using CustomerRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Customer, Crm.Sales.Customers.CustomerFields, Crm.Sales.Customers.CustomerService>;
using OpportunityRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Opportunity, Crm.Sales.Opportunities.CreateOpportunity, Crm.Sales.Opportunities.OpportunityService>;

namespace Crm.Sales.Leads;

/// <summary>
/// Converts a lead (seed 4 "线索转化") into a customer (made from its company, or an existing one linked), a
/// contact (from its person) and optionally an opportunity. Resumable: the ids are reserved on the lead
/// (an ETag write) before the first record is made, every step skips a record that already exists, and
/// the lead is marked converted last; a retry after a crash finishes the work without second records.
/// </summary>
internal sealed class LeadConversion(LeadService leads, CustomerRecords customers, ContactRecords contacts, OpportunityRecords opportunities,
    RecordGuard guard, OwnedAccess access, IEnumerable<ILeadConversionStep> steps, TimeProvider clock)
{
    public const string Action = "convert";

    public async Task<Lead> ConvertAsync(Caller caller, string id, ConvertLead input, CancellationToken cancellationToken)
    {
        RequestValidation.Validate(input);
        var store = leads.Store;
        var lead = await store.GetAsync(caller.TenantId, id, cancellationToken);
        await guard.EnsureAsync(caller, store.TypeName, store.TableName, Action, lead, cancellationToken);
        LeadRules.EnsureNotConverted(lead, LeadRules.AlreadyConverted);
        caller.Require($"{contacts.Store.TableName}.{Permissions.Actions.Create}");
        if (input.ExistingCustomerId is null)
        {
            caller.Require($"{customers.Store.TableName}.{Permissions.Actions.Create}");
        }
        if (input.CreateOpportunity is not null)
        {
            caller.Require($"{opportunities.Store.TableName}.{Permissions.Actions.Create}");
        }
        var existing = input.ExistingCustomerId is { } customerId ? await VisibleCustomerAsync(caller, customerId, cancellationToken) : null;
        var prepared = await LeadConversionInputs.PrepareAsync(caller, lead, input, existing, customers, contacts, opportunities, cancellationToken);

        (lead, var plan) = await ReserveAsync(caller, lead, existing?.Id, input.CreateOpportunity is not null, cancellationToken);
        var inputs = prepared.For(plan);
        var write = caller.Write(clock).As(Activities.Converted);
        if (plan.LinksExistingCustomer)
        {
            await customers.Store.UpdateAsync(write, plan.CustomerId, null, c => ValueTask.FromResult(c.ConvertedFromLeadIds.Contains(lead.Id)
                ? c : c with { ConvertedFromLeadIds = [.. c.ConvertedFromLeadIds, lead.Id] }), cancellationToken: cancellationToken);
        }
        else
        {
            await OnceAsync(customers.Store, caller.TenantId, plan.CustomerId, () => customers.Service.CreateAsync(caller, inputs.Customer!,
                new RecordSeed<Customer>(plan.CustomerId, Activities.Converted, c => c with { ConvertedFromLeadIds = [lead.Id] }), cancellationToken), cancellationToken);
        }
        await OnceAsync(contacts.Store, caller.TenantId, plan.ContactId, () => contacts.Service.CreateAsync(caller, inputs.Contact,
            new RecordSeed<Contact>(plan.ContactId, Activities.Converted, c => c with { ConvertedFromLeadId = lead.Id }), cancellationToken), cancellationToken);
        if (plan.OpportunityId is { } opportunityId && inputs.Opportunity is { } opportunity)
        {
            await OnceAsync(opportunities.Store, caller.TenantId, opportunityId, () => opportunities.Service.CreateAsync(caller, opportunity,
                new RecordSeed<Opportunity>(opportunityId, Activities.Converted, o => o with { ConvertedFromLeadId = lead.Id }), cancellationToken), cancellationToken);
        }
        foreach (var step in steps)
        {
            await step.RunAsync(new LeadConversionContext(caller, lead, plan.CustomerId, plan.ContactId, plan.OpportunityId, write), cancellationToken);
        }
        return await store.UpdateAsync(write, id, null, l =>
        {
            LeadRules.EnsureNotConverted(l, LeadRules.AlreadyConverted);
            return ValueTask.FromResult(LeadRules.MarkConverted(l, plan, caller.UserId, write.Now));
        }, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Writes the conversion's ids on the lead, on the version read (a concurrent conversion or edit makes it read
    /// again), unless they are there already. What an earlier attempt made decides which ids stay.
    /// </summary>
    private async Task<(Lead Lead, LeadConversionProgress Plan)> ReserveAsync(Caller caller, Lead lead, string? existingCustomerId, bool wantsOpportunity,
        CancellationToken cancellationToken)
    {
        var store = leads.Store;
        for (var attempt = 0; ; attempt++)
        {
            var held = lead.Conversion;
            var plan = LeadRules.Plan(lead, existingCustomerId, wantsOpportunity,
                customerMade: held is { LinksExistingCustomer: false } && await MadeAsync(customers.Store, caller.TenantId, held.CustomerId, cancellationToken),
                contactMade: held is not null && await MadeAsync(contacts.Store, caller.TenantId, held.ContactId, cancellationToken),
                opportunityMade: held?.OpportunityId is { } o && await MadeAsync(opportunities.Store, caller.TenantId, o, cancellationToken),
                caller.UserId, clock.GetUtcNow(), () => Ids.New(clock.GetUtcNow()));
            if (plan == held)
            {
                return (lead, plan);
            }
            try
            {
                var reserved = await store.UpdateAsync(caller.Write(clock), lead.Id, lead.Version, l => ValueTask.FromResult(l with { Conversion = plan }),
                    cancellationToken: cancellationToken);
                return (reserved, plan);
            }
            catch (PreconditionFailedException)
            {
                await Contention.WaitAsync(attempt, "lead", lead.Id, cancellationToken);
                lead = await store.GetAsync(caller.TenantId, lead.Id, cancellationToken);
            }
        }
    }

    /// <summary>Whether a reserved record was made; one made and then deleted is not made again behind the deleter's back.</summary>
    private static async Task<bool> MadeAsync<T>(RecordStore<T> store, string tenantId, string id, CancellationToken cancellationToken) where T : RecordBase
    {
        if (await store.FindAsync(tenantId, id, cancellationToken) is not null)
        {
            return true;
        }
        if (await store.FindInBinAsync(tenantId, id, cancellationToken) is not null)
        {
            throw new ConflictException("lead.conversion_record_deleted", $"The {store.TypeName} '{id}' this conversion made is in the recycle bin; restore it to finish converting.",
                new Dictionary<string, object?> { [$"{store.TypeName}Id"] = id });
        }
        return false;
    }

    /// <summary>Makes the record with its reserved id unless it exists: an earlier attempt, or a concurrent one that won the race, made it.</summary>
    private static async Task OnceAsync<T>(RecordStore<T> store, string tenantId, string id, Func<Task<T>> create, CancellationToken cancellationToken) where T : RecordBase
    {
        if (await MadeAsync(store, tenantId, id, cancellationToken))
        {
            return;
        }
        try
        {
            await create();
        }
        catch (ConflictException e) when (e.Code == "record.exists")
        {
            // The record row with this id was added by a concurrent attempt between the check and the write.
            if (await store.FindAsync(tenantId, id, cancellationToken) is null)
            {
                throw;
            }
        }
    }

    /// <summary>A customer the caller can see; any other id answers alike, so none is confirmed.</summary>
    private async Task<Customer> VisibleCustomerAsync(Caller caller, string customerId, CancellationToken cancellationToken) =>
        await access.FindVisibleAsync(caller, customers.Store, customerId, cancellationToken)
            ?? throw new ValidationException("existingCustomerId", $"No customer with id '{customerId}'.", "lead.customer_not_found");
}
