using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Sales.Leads;

/// <summary>
/// A lead's write rules beside its fields' annotations: a status that starts at <see cref="LeadRules.InitialStatus"/>;
/// a converted lead is not edited (409 <c>lead.converted</c>).
/// </summary>
internal sealed class LeadService(RecordStore<Lead> store, OwnedAccess access, TimeProvider clock) : RecordService<Lead, LeadFields>(store, access, clock)
{
    protected override ValueTask<Lead> CreatingAsync(Caller caller, LeadFields input, Lead lead, DateTimeOffset now, CancellationToken cancellationToken) =>
        ValueTask.FromResult(lead with { Status = lead.Status ?? LeadRules.InitialStatus });

    /// <summary>A converted lead may be deleted, not edited: its customer, contact and opportunity keep their link to it.</summary>
    protected override void EnsureEditable(Lead current) => LeadRules.EnsureNotConverted(current);
}
