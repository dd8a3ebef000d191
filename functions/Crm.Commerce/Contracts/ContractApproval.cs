using Crm.Domain.Approvals;
using Crm.Domain.Commerce;
using Crm.Domain.Sales;
using Crm.Platform.Approvals;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.Contracts;

/// <summary>
/// A contract in approval: submitted from draft or rejected (with lines), pendingApproval while under an approval,
/// then active, rejected (the approver's comment as the reason) or back to draft when withdrawn. Flows test its gross
/// total and its customer's level.
/// </summary>
internal sealed class ContractApproval(RecordStore<Contract> contracts, RecordStore<Customer> customers, RecordGuard guard, TimeProvider clock)
    : RecordApprovalDocument<Contract>(contracts, guard, clock)
{
    public override ApprovalDocumentType Type { get; } = new("contract", "Contract");

    protected override string? ApprovalIdOf(Contract document) => document.ApprovalId;

    protected override bool IsUnder(Contract document) => document.Status == ContractStatus.PendingApproval;

    protected override Contract UnderApproval(Contract document, string approvalId, string by, DateTimeOffset at) =>
        SalesDocumentRules.Move(document, ContractStatus.PendingApproval, by, at) with { ApprovalId = approvalId };

    protected override Contract Concluded(Contract document, ApprovalOutcome outcome, string by, DateTimeOffset at, string? comment) => outcome switch
    {
        ApprovalOutcome.Approved => SalesDocumentRules.Move(document, ContractStatus.Active, by, at),
        ApprovalOutcome.Rejected => SalesDocumentRules.Move(document, ContractStatus.Rejected, by, at, comment),
        _ => SalesDocumentRules.Move(document, ContractStatus.Draft, by, at),
    };

    protected override async ValueTask<ApprovalSubject> SubjectAsync(Caller caller, Contract document, CancellationToken cancellationToken) =>
        new($"{document.Number} {document.Name}".Trim(), document.Totals.Gross,
            (await customers.FindAsync(caller.TenantId, document.CustomerId, cancellationToken))?.Level);
}
