using Crm.Domain.Approvals;
using Crm.Domain.Commerce;
using Crm.Platform.Approvals;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.PurchaseOrders;

/// <summary>
/// A purchase order in approval: submitted from draft (with lines) while under an approval, then approved, or back to
/// draft when rejected (the approver's comment as the reason) or withdrawn. Flows test its gross total.
/// </summary>
internal sealed class PurchaseOrderApproval(RecordStore<PurchaseOrder> orders, RecordGuard guard, TimeProvider clock)
    : RecordApprovalDocument<PurchaseOrder>(orders, guard, clock)
{
    public override ApprovalDocumentType Type { get; } = new("purchaseOrder", "Purchase order");

    protected override string? ApprovalIdOf(PurchaseOrder document) => document.ApprovalId;

    protected override bool IsUnder(PurchaseOrder document) => document.Status == PurchaseOrderStatus.Submitted;

    protected override PurchaseOrder UnderApproval(PurchaseOrder document, string approvalId, string by, DateTimeOffset at) =>
        PurchaseOrderRules.Move(document, PurchaseOrderStatus.Submitted, by, at) with { ApprovalId = approvalId };

    protected override PurchaseOrder Concluded(PurchaseOrder document, ApprovalOutcome outcome, string by, DateTimeOffset at, string? comment) =>
        PurchaseOrderRules.Move(document, outcome == ApprovalOutcome.Approved ? PurchaseOrderStatus.Approved : PurchaseOrderStatus.Draft, by, at, comment);

    protected override ValueTask<ApprovalSubject> SubjectAsync(Caller caller, PurchaseOrder document, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ApprovalSubject($"{document.Number} {document.Name}".Trim(), document.Totals.Gross, null));
}
