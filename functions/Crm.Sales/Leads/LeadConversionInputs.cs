using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Sales.Contacts;
using Crm.Sales.Customers;
using Crm.Sales.Opportunities;
using Crm.Platform.Records;
using Crm.Platform.Web;
using ValidationException = Crm.Domain.Common.ValidationException;

using ContactRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Contact, Crm.Sales.Contacts.ContactFields, Crm.Sales.Contacts.ContactService>;
using CustomerRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Customer, Crm.Sales.Customers.CustomerFields, Crm.Sales.Customers.CustomerService>;
using OpportunityRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Opportunity, Crm.Sales.Opportunities.CreateOpportunity, Crm.Sales.Opportunities.OpportunityService>;

namespace Crm.Sales.Leads;

/// <summary>
/// <c>POST /api/v1/leads/{id}/convert</c>. <see cref="Customer"/> and <see cref="Contact"/> are merge patches over
/// the records made from the lead; <see cref="CreateOpportunity"/> (any opportunity fields, a name at least
/// when the customer's is not wanted) asks for an opportunity too.
/// </summary>
public sealed record ConvertLead(
    [property: StringLength(26)] string? ExistingCustomerId = null,
    JsonObject? Customer = null,
    JsonObject? Contact = null,
    JsonObject? CreateOpportunity = null);

/// <summary>The three records a conversion writes, built from the lead and the caller's overrides, checked before any is written.</summary>
internal sealed record LeadConversionInputs(CustomerFields? Customer, string CustomerName, ContactFields Contact, CreateOpportunity? Opportunity)
{
    /// <summary>Stands in for the customer's id while the inputs are checked, before the conversion reserves the real one.</summary>
    private const string PendingId = "00000000000000000000000000";

    public static async Task<LeadConversionInputs> PrepareAsync(Caller caller, Lead lead, ConvertLead input, Customer? existing, CustomerRecords customers,
        ContactRecords contacts, OpportunityRecords opportunities, CancellationToken cancellationToken)
    {
        var owner = lead.OwnerId ?? caller.UserId;
        CustomerFields? customer = null;
        if (existing is null)
        {
            customer = Patched("customer", new CustomerFields
            {
                // A lead without a company is a person buying for themselves: the customer is named after them.
                Name = lead.Company ?? lead.Name,
                Source = lead.Source,
                Industry = lead.Industry,
                Phone = lead.Phone ?? lead.Mobile,
                Email = lead.Email,
                Address = lead.Address,
                Tags = lead.Tags,
                OwnerId = owner,
            }, input.Customer);
            customer = await Checked("customer", () => customers.PrepareCreateAsync(caller, customer, cancellationToken));
        }
        var customerName = existing?.Name ?? customer!.Name.Trim();

        Fixed("contact", input.Contact, "customerId");
        var contact = Patched("contact", new ContactFields
        {
            CustomerId = PendingId,
            Name = lead.Name,
            Title = lead.Title,
            Phone = lead.Phone,
            Mobile = lead.Mobile,
            Email = lead.Email,
        }, input.Contact);
        contact = await Checked("contact", () => contacts.PrepareCreateAsync(caller, contact, cancellationToken));

        CreateOpportunity? opportunity = null;
        if (input.CreateOpportunity is { } asked)
        {
            Fixed("createOpportunity", asked, "customerId");
            opportunity = Patched("createOpportunity", new CreateOpportunity { Name = customerName, CustomerId = PendingId, OwnerId = owner }, asked);
            opportunity = await Checked("createOpportunity", async () =>
            {
                var prepared = await opportunities.PrepareCreateAsync(caller, opportunity, cancellationToken);
                OpportunityRules.Check(prepared.Amount, prepared.Currency, prepared.ProbabilityOverride, prepared.ProductLines ?? [], prepared.Competitors ?? [], []);
                await opportunities.Service.StartAsync(caller.TenantId, prepared.PipelineId, prepared.StageKey, cancellationToken);
                return prepared;
            });
        }
        return new LeadConversionInputs(customer, customerName, contact, opportunity);
    }

    /// <summary>The inputs with the ids the conversion reserved.</summary>
    public LeadConversionInputs For(LeadConversionProgress plan) => this with
    {
        Contact = Contact with { CustomerId = plan.CustomerId },
        Opportunity = Opportunity is null ? null : Opportunity with
        {
            CustomerId = plan.CustomerId,
            Contacts = Opportunity.Contacts is { Count: > 0 } named ? named : [new OpportunityContact(plan.ContactId, null)],
        },
    };

    private static T Patched<T>(string path, T defaults, JsonObject? overrides) where T : notnull =>
        Prefixed(path, () => overrides is null ? RequestValidation.Validate(defaults) : MergePatch.Apply(defaults, overrides));

    private static void Fixed(string path, JsonObject? overrides, string field)
    {
        if (overrides?.ContainsKey(field) == true)
        {
            throw new ValidationException($"{path}.{field}", "The conversion links this record to the lead's customer.", "lead.conversion_customer_fixed");
        }
    }

    /// <summary>Field errors name the part of the request they are in: <c>customer.name</c>, <c>createOpportunity.stageKey</c>.</summary>
    private static T Prefixed<T>(string path, Func<T> check)
    {
        try
        {
            return check();
        }
        catch (ValidationException e)
        {
            throw Rekeyed(path, e);
        }
    }

    private static async Task<T> Checked<T>(string path, Func<Task<T>> check)
    {
        try
        {
            return await check();
        }
        catch (ValidationException e)
        {
            throw Rekeyed(path, e);
        }
    }

    private static ValidationException Rekeyed(string path, ValidationException e) =>
        new(e.Errors.ToDictionary(kv => kv.Key is "" or "$" ? path : $"{path}.{kv.Key}", kv => kv.Value), e.Code);
}
