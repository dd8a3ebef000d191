using Crm.Commerce.SalesDocuments;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Commerce.PurchaseOrders;

/// <summary>
/// A purchase order's way: submitted (and sent back to draft), approved by a holder of <c>purchaseorders.approve</c> (the
/// approval flows of the next module decide through the same step), received in one or more receipts, then paid; cancelled
/// only before approval.
/// </summary>
internal sealed class PurchaseOrderActions : IApiFeature
{
    public const string Approve = "approve";
    public const string Receive = "receive";
    public const string Pay = "pay";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/purchase-orders/{id}").WithTags("Purchase orders");
        group.MapPost("/submit", SubmitPurchaseOrder).RequirePermission("purchaseorders.edit").WithName("SubmitPurchaseOrder").TakesNoBody().ChecksIfMatch()
            .WithSummary("Put a draft purchase order up for approval: submitted");
        group.MapPost("/return", ReturnPurchaseOrder).RequirePermission("purchaseorders.edit").WithName("ReturnPurchaseOrder").ChecksIfMatch()
            .WithSummary("Send a submitted purchase order back to draft, with a reason");
        group.MapPost("/approve", ApprovePurchaseOrder).RequirePermission("purchaseorders.approve").WithName("ApprovePurchaseOrder").TakesNoBody().ChecksIfMatch()
            .WithSummary("Approve a submitted purchase order: goods may then be received against it");
        group.MapPost("/cancel", CancelPurchaseOrder).RequirePermission("purchaseorders.edit").WithName("CancelPurchaseOrder").ChecksIfMatch()
            .WithSummary("Cancel a draft or submitted purchase order, with a reason");
        group.MapPost("/pay", PayPurchaseOrder).RequirePermission("purchaseorders.pay").WithName("PayPurchaseOrder").ChecksIfMatch()
            .WithSummary("Record that a received purchase order was paid: paid");
        PurchaseReceipts.Map(api);
    }

    public static Task<RecordJson<PurchaseOrder>> SubmitPurchaseOrder(string id, PurchaseOrderService orders, DocumentActions actions, HttpContext context) =>
        MoveAsync(orders, actions, context, id, Permissions.Actions.Edit, PurchaseOrderStatus.Submitted, null, Activities.Submitted);

    public static Task<RecordJson<PurchaseOrder>> ReturnPurchaseOrder(string id, PurchaseOrderReason input, PurchaseOrderService orders, DocumentActions actions,
        HttpContext context) =>
        MoveAsync(orders, actions, context, id, Permissions.Actions.Edit, PurchaseOrderStatus.Draft, Reason(input), Activities.Withdrawn);

    public static Task<RecordJson<PurchaseOrder>> ApprovePurchaseOrder(string id, PurchaseOrderService orders, DocumentActions actions, HttpContext context) =>
        MoveAsync(orders, actions, context, id, Approve, PurchaseOrderStatus.Approved, null, Activities.Approved);

    public static Task<RecordJson<PurchaseOrder>> CancelPurchaseOrder(string id, PurchaseOrderReason input, PurchaseOrderService orders, DocumentActions actions,
        HttpContext context) =>
        MoveAsync(orders, actions, context, id, Permissions.Actions.Edit, PurchaseOrderStatus.Cancelled, Reason(input), Activities.Cancelled);

    public static Task<RecordJson<PurchaseOrder>> PayPurchaseOrder(string id, PayPurchaseOrder input, PurchaseOrderService orders, DocumentActions actions,
        HttpContext context)
    {
        RequestValidation.Validate(input);
        var reference = TextNormalizer.Trimmed(input.Reference);
        return actions.RunAsync(context, orders.Store, id, Pay, Activities.Paid, (caller, write) => order => ValueTask.FromResult(
            PurchaseOrderRules.Move(order, PurchaseOrderStatus.Paid, caller.UserId, write.Now) with
            {
                Payment = new PurchasePayment(write.Now, caller.UserId, input.PaidOn!.Value, reference),
            }));
    }

    private static Task<RecordJson<PurchaseOrder>> MoveAsync(PurchaseOrderService orders, DocumentActions actions, HttpContext context, string id, string action,
        PurchaseOrderStatus to, string? reason, string activity) =>
        actions.RunAsync(context, orders.Store, id, action, activity,
            (caller, write) => order => ValueTask.FromResult(PurchaseOrderRules.Move(order, to, caller.UserId, write.Now, reason)));

    private static string Reason(PurchaseOrderReason input) => DocumentActions.Reason(RequestValidation.Validate(input).Reason, "purchaseOrder.reason_required");
}
