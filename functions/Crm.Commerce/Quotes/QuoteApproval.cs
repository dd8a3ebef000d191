using Crm.Commerce.SalesDocuments;
using Crm.Domain.Approvals;
using Crm.Domain.Commerce;
using Crm.Domain.Sales;
using Crm.Platform.Approvals;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.Quotes;

/// <summary>
/// A quote in approval (a discount or an amount sales management signs off before the customer sees it): submitted
/// from draft (with lines, still valid), inReview while under an approval, then approved (ready to send), or back to
/// draft when rejected (the approver's comment as the reason) or withdrawn. Flows test its gross total and its customer's level.
/// </summary>
internal sealed class QuoteApproval(RecordStore<Quote> quotes, RecordStore<Customer> customers, DocumentActions actions, RecordGuard guard, TimeProvider clock)
    : RecordApprovalDocument<Quote>(quotes, guard, clock)
{
    public const string TypeName = "quote";

    public override ApprovalDocumentType Type { get; } = new(TypeName, "Quote");

    protected override string? ApprovalIdOf(Quote document) => document.ApprovalId;

    protected override bool IsUnder(Quote document) => document.Stage == QuoteStage.InReview;

    protected override Quote UnderApproval(Quote document, string approvalId, string by, DateTimeOffset at) =>
        SalesDocumentRules.MoveByApproval(document, QuoteStage.InReview, by, at) with { ApprovalId = approvalId };

    protected override Quote Concluded(Quote document, ApprovalOutcome outcome, string by, DateTimeOffset at, string? comment) => outcome switch
    {
        ApprovalOutcome.Approved => SalesDocumentRules.MoveByApproval(document, QuoteStage.Approved, by, at),
        ApprovalOutcome.Rejected => SalesDocumentRules.MoveByApproval(document, QuoteStage.Draft, by, at, comment),
        _ => SalesDocumentRules.MoveByApproval(document, QuoteStage.Draft, by, at),
    };

    protected override async ValueTask<ApprovalSubject> SubjectAsync(Caller caller, Quote document, CancellationToken cancellationToken)
    {
        // Approving a quote the customer may no longer accept would be wasted work for the approvers.
        SalesDocumentRules.EnsureValid(document, await actions.TodayAsync(caller.TenantId, cancellationToken));
        return new($"{document.Number} {document.Name}".Trim(), document.Totals.Gross,
            (await customers.FindAsync(caller.TenantId, document.CustomerId, cancellationToken))?.Level);
    }
}
