using Azure.Data.Tables;
using Crm.Commerce.Contracts;
using Crm.Commerce.PaymentPlans;
using Crm.Domain.Approvals;
using Crm.Domain.Commerce;
using Crm.Domain.Sales;
using Crm.Platform.Approvals;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.Receipts;

/// <summary>
/// A receipt in approval: submitted from draft or rejected, pendingApproval while under an approval, then approved
/// (counted on its contract's summary in the same transaction), rejected (the approver's comment as the reason) or back
/// to draft when withdrawn. It is checked against its contract again as it goes up. Flows test its amount and its customer's level.
/// </summary>
internal sealed class ReceiptApproval(RecordStore<Receipt> receipts, ReceiptService service, ContractService contracts, ContractPayments payments,
    RecordStore<Customer> customers, RecordGuard guard, TimeProvider clock)
    : RecordApprovalDocument<Receipt>(receipts, guard, clock)
{
    public override ApprovalDocumentType Type { get; } = new("receipt", "Receipt");

    protected override string? ApprovalIdOf(Receipt document) => document.ApprovalId;

    protected override bool IsUnder(Receipt document) => document.Status == ReceiptStatus.PendingApproval;

    protected override Receipt UnderApproval(Receipt document, string approvalId, string by, DateTimeOffset at) =>
        ReceiptRules.Move(document, ReceiptStatus.PendingApproval, by, at) with { ApprovalId = approvalId };

    protected override Receipt Concluded(Receipt document, ApprovalOutcome outcome, string by, DateTimeOffset at, string? comment) => outcome switch
    {
        ApprovalOutcome.Approved => ReceiptRules.Move(document, ReceiptStatus.Approved, by, at),
        ApprovalOutcome.Rejected => ReceiptRules.Move(document, ReceiptStatus.Rejected, by, at, comment),
        _ => ReceiptRules.Move(document, ReceiptStatus.Draft, by, at),
    };

    protected override async ValueTask<ApprovalSubject> SubjectAsync(Caller caller, Receipt document, CancellationToken cancellationToken)
    {
        // The contract may have been terminated, or other receipts approved, since this one was recorded.
        var contract = await contracts.Store.GetAsync(caller.TenantId, document.ContractId, cancellationToken);
        await service.CheckAsync(caller.TenantId, document, contract, cancellationToken);
        return new($"{contract.Number} {document.Amount} {document.Currency} {document.ReceivedOn:yyyy-MM-dd}".Trim(), document.Amount,
            (await customers.FindAsync(caller.TenantId, document.CustomerId, cancellationToken))?.Level);
    }

    protected override Task<IReadOnlyList<TableTransactionAction>> AlongsideAsync(string tenantId, Receipt before, Receipt after, CancellationToken cancellationToken) =>
        payments.CountingAsync(tenantId, before, after, cancellationToken);
}
