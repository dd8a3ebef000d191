using Azure.Data.Tables;
using Crm.Commerce.PaymentPlans;
using Crm.Commerce.SalesDocuments;
using Crm.Platform.Access;
using Crm.Domain.Commerce;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Commerce.Receipts;

/// <summary>
/// Voiding an approved receipt (冲销: the bank returned the payment, it was booked on the wrong contract), with a reason,
/// by a holder of <c>receipts.void</c>: it stops counting on its contract in the same transaction. Approval itself runs
/// through <c>/api/v1/receipts/{id}/approval/*</c>.
/// </summary>
internal sealed class ReceiptActions : IApiFeature
{
    public const string Void = "void";

    private const string Voided = "voided";

    public void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/api/v1/receipts/{id}/void", VoidReceipt).WithTags("Receipts").RequirePermission("receipts.void").WithName("VoidReceipt").ChecksIfMatch()
            .WithSummary("Void an approved receipt, with a reason: it no longer counts as received on its contract");
    }

    public static async Task<RecordJson<Receipt>> VoidReceipt(string id, VoidReceipt input, ReceiptService receipts, ContractPayments payments, DocumentActions actions,
        TenantStore tenants, TimeProvider clock, HttpContext context)
    {
        var reason = DocumentActions.Reason(RequestValidation.Validate(input).Reason, "receipt.reason_required");
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var current = await actions.GetForAsync(caller, receipts.Store, id, Void, context.RequestAborted);
        var write = caller.Write(clock).As(Voided);
        IReadOnlyList<TableTransactionAction> uncount = [];
        var voided = await receipts.Store.UpdateAsync(write, id, ifMatch ?? current.Version, async receipt =>
            {
                var after = ReceiptRules.Move(receipt, ReceiptStatus.Voided, caller.UserId, write.Now, reason) with { VoidReason = reason };
                uncount = await payments.CountingAsync(caller.TenantId, receipt, after, context.RequestAborted);
                return after;
            },
            (_, _) => uncount, context.RequestAborted);
        Preconditions.SetETag(context, voided);
        return new RecordJson<Receipt>(RecordShape.Of(caller, receipts.Store.TableName, voided));
    }
}
