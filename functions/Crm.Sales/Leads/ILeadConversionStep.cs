using Crm.Domain.Sales;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Sales.Leads;

/// <summary>
/// What a lead's conversion hands to the features that carry the lead's belongings over (follow-ups,
/// attachments): the lead as it was, the records it became, and the write context (activity
/// <c>converted</c>) to write with.
/// </summary>
internal sealed record LeadConversionContext(Caller Caller, Lead Lead, string CustomerId, string ContactId, string? OpportunityId, WriteContext Write);

/// <summary>
/// A step of a lead's conversion contributed by another feature through DI, run after the customer, contact
/// and opportunity exist and before the lead is marked converted. It must be idempotent: a conversion
/// interrupted after it (or during it) runs it again on retry, with the same records.
/// </summary>
internal interface ILeadConversionStep
{
    Task RunAsync(LeadConversionContext conversion, CancellationToken cancellationToken);
}
