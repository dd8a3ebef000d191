using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.SalesDocuments;

/// <summary>
/// Who a quote or contract is with: a customer the writer can see, an opportunity and contacts of that same customer.
/// A link the document already holds is kept whoever set it; a new one must be in the writer's sight (one out of it
/// answers as an unknown id, so none is confirmed).
/// </summary>
internal sealed class SalesDocumentParties(RecordStore<Customer> customers, RecordStore<Opportunity> opportunities, RecordStore<Contact> contacts,
    OwnedAccess access, RecordGuard guard)
{
    public async Task<Customer> CustomerAsync(Caller caller, string customerId, string kind, CancellationToken cancellationToken) =>
        await access.FindVisibleAsync(caller, customers, customerId, cancellationToken)
            ?? throw new ValidationException("customerId", $"No customer with id '{customerId}'.", $"{kind}.customer_not_found");

    public async Task EnsureOpportunityAsync(Caller caller, string customerId, string? opportunityId, string? held, string kind, CancellationToken cancellationToken)
    {
        if (opportunityId is null || opportunityId == held)
        {
            return;
        }
        var opportunity = await access.FindVisibleAsync(caller, opportunities, opportunityId, cancellationToken)
            ?? throw new ValidationException("opportunityId", $"No opportunity with id '{opportunityId}'.", $"{kind}.opportunity_not_found");
        if (opportunity.CustomerId != customerId)
        {
            throw new ValidationException("opportunityId", "Must be an opportunity of the same customer.", $"{kind}.opportunity_other_customer");
        }
    }

    public async Task EnsureContactAsync(Caller caller, string customerId, string field, string? contactId, string? held, string kind, CancellationToken cancellationToken)
    {
        if (contactId is null || contactId == held)
        {
            return;
        }
        var contact = await access.FindVisibleAsync(caller, contacts, contactId, cancellationToken);
        if (contact is null || contact.CustomerId != customerId)
        {
            throw new ValidationException(field, "Must be a contact of the document's customer.", $"{kind}.contact_invalid");
        }
    }

    public async Task EnsureUserAsync(Caller caller, string field, string? userId, string? held, string kind, CancellationToken cancellationToken)
    {
        if (userId is not null && userId != held && !await guard.UserExistsAsync(caller.TenantId, userId, cancellationToken))
        {
            throw new ValidationException(field, $"No user with id '{userId}'.", $"{kind}.user_not_found");
        }
    }
}

internal static class SalesDocumentChecks
{
    public static void EnsureCurrency(string? currency)
    {
        if (currency is not null && !Crm.Domain.Sales.OpportunityRules.IsCurrency(currency))
        {
            throw new ValidationException("currency", "Use an ISO 4217 code of three capital letters, like CNY or EUR.");
        }
    }
}
