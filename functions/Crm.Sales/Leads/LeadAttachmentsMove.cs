using Crm.Domain.Sales;
using Crm.Platform.Attachments;
using Crm.Storage.Records;

namespace Crm.Sales.Leads;

/// <summary>
/// A converted lead's files move to the customer it became, as its follow-ups do: the lead is read-only afterwards
/// and the customer is where they are looked for. Idempotent: a retried conversion finds none left on the lead.
/// </summary>
internal sealed class LeadAttachmentsMove(AttachmentService attachments, RecordStore<Lead> leads, RecordStore<Customer> customers) : ILeadConversionStep
{
    public Task RunAsync(LeadConversionContext conversion, CancellationToken cancellationToken) =>
        attachments.MoveAsync(conversion.Write, leads.TypeName, conversion.Lead.Id, customers.TypeName, conversion.CustomerId, cancellationToken);
}
