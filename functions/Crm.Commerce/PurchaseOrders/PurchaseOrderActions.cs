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
/// A purchase order's way after approval (<see cref="PurchaseOrderApproval"/> takes it from draft to approved): received
/// in one or more receipts, then paid; cancelled only as a draft (one under approval is withdrawn first).
/// </summary>
internal sealed class PurchaseOrderActions : IApiFeature
{
    public const string Receive = "receive";
    public const string Pay = "pay";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/purchase-orders/{id}").WithTags("Purchase orders");
        group.MapPost("/cancel", CancelPurchaseOrder).RequirePermission("purchaseorders.edit").WithName("CancelPurchaseOrder").ChecksIfMatch()
            .WithSummary("Cancel a draft purchase order, with a reason");
        group.MapPost("/pay", PayPurchaseOrder).RequirePermission("purchaseorders.pay").WithName("PayPurchaseOrder").ChecksIfMatch()
            .WithSummary("Record that a received purchase order was paid: paid");
        PurchaseReceipts.Map(api);
    }

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
