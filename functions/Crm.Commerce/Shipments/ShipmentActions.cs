using Crm.Commerce.SalesDocuments;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;

namespace Crm.Commerce.Shipments;

/// <summary>
/// A shipment's way: packed, shipped by a holder of <c>shipments.ship</c> (each line, gifts too, a ledger shipment out of
/// its warehouse), delivered by a holder of <c>shipments.deliver</c>; cancelled only while packed.
/// </summary>
internal sealed class ShipmentActions : IApiFeature
{
    public const string Ship = "ship";
    public const string Deliver = "deliver";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/shipments/{id}").WithTags("Shipments");
        group.MapPost("/ship", ShipShipment).RequirePermission("shipments.ship").WithName("ShipShipment").ChecksIfMatch()
            .WithSummary("Ship a packed shipment: each line leaves its warehouse as a ledger shipment; refused when stock would go below zero unless allowNegative (inventory.override)");
        group.MapPost("/deliver", DeliverShipment).RequirePermission("shipments.deliver").WithName("DeliverShipment").TakesNoBody().ChecksIfMatch()
            .WithSummary("Record a shipped shipment delivered");
        group.MapPost("/cancel", CancelShipment).RequirePermission("shipments.edit").WithName("CancelShipment").ChecksIfMatch()
            .WithSummary("Cancel a packed shipment, with a reason: its quantities go back to what remains of its contract");
    }

    public static async Task<RecordJson<Shipment>> ShipShipment(string id, ShipShipment input, ShipmentService shipments, ShipmentDispatches dispatches,
        DocumentActions actions, HttpContext context)
    {
        RequestValidation.Validate(input);
        var caller = context.Caller();
        if (input.AllowNegative)
        {
            caller.Require("inventory.override");
        }
        var (carrier, tracking) = (TextNormalizer.Trimmed(input.Carrier), TextNormalizer.Trimmed(input.TrackingNumber));
        await actions.RunAsync(context, shipments.Store, id, Ship, Shipped, (_, write) => shipment =>
        {
            ShipmentRules.EnsureNoDispatch(shipment);
            // Only checks the move: the shipment becomes shipped when its last line is posted.
            ShipmentRules.Move(shipment, ShipmentStatus.Shipped, caller.UserId, write.Now);
            return ValueTask.FromResult(shipment with
            {
                Attempts = shipment.Attempts + 1,
                Dispatch = new ShipmentDispatch(shipment.Attempts + 1, write.Now, caller.UserId, input.AllowNegative),
                Carrier = carrier ?? shipment.Carrier,
                TrackingNumber = tracking ?? shipment.TrackingNumber,
            });
        });
        var shipped = await dispatches.FinishAsync(caller.TenantId, id, context.RequestAborted);
        Preconditions.SetETag(context, shipped);
        return new RecordJson<Shipment>(RecordShape.Of(caller, shipments.Store.TableName, shipped));
    }

    public static Task<RecordJson<Shipment>> DeliverShipment(string id, ShipmentService shipments, DocumentActions actions, HttpContext context) =>
        actions.RunAsync(context, shipments.Store, id, Deliver, Delivered, (caller, write) => shipment =>
            ValueTask.FromResult(ShipmentRules.Move(shipment, ShipmentStatus.Delivered, caller.UserId, write.Now) with { DeliveredAt = write.Now }));

    public static Task<RecordJson<Shipment>> CancelShipment(string id, ShipmentReason input, ShipmentService shipments, DocumentActions actions, HttpContext context)
    {
        var reason = DocumentActions.Reason(RequestValidation.Validate(input).Reason, "shipment.reason_required");
        return actions.RunAsync(context, shipments.Store, id, Permissions.Actions.Edit, Activities.Cancelled, (caller, write) => shipment =>
        {
            ShipmentRules.EnsureNoDispatch(shipment);
            return ValueTask.FromResult(ShipmentRules.Move(shipment, ShipmentStatus.Cancelled, caller.UserId, write.Now, reason));
        });
    }
}
