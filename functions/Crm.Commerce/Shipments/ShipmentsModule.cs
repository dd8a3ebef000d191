using Crm.Commerce.SalesDocuments;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Orchestrations;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Timeline;
using Crm.Sales.Customers;
using Crm.Storage.Records;
using Crm.Storage.Triggers;

namespace Crm.Commerce.Shipments;

/// <summary>
/// Shipments (发货单): owned records of a customer (transfer cascade, pool, merge, timeline, data scope), numbered by
/// the tenant's rules, shipped into the inventory ledger; and the recurring schedules of contracts, run as orchestrations.
/// </summary>
public static class ShipmentsModule
{
    public static IServiceCollection AddShipments(this IServiceCollection services)
    {
        services.AddOwnedRecords<Shipment, ShipmentRecordType, ShipmentFields, ShipmentService>("Shipments", "Shipment", "Shipments",
            (OwnerTransfer.Action, "Give shipments to another owner"),
            (ShipmentActions.Ship, "Ship a packed shipment: its lines leave the warehouse"),
            (ShipmentActions.Deliver, "Record a shipped shipment delivered"));
        services.AddSingleton<IApiFeature, ShipmentActions>();
        services.AddSingleton<ShipmentDispatches>();
        services.AddTimerJob<ShipmentDispatchSweepJob>(ShipmentDispatchSweepJob.Name);
        services.AddSingleton<ICustomerDependents>(sp => new CustomerDocuments<Shipment>("shipments", sp.GetRequiredService<ShipmentService>().Store,
            sp.GetRequiredService<ShipmentService>().OfCustomerAsync, (s, customerId) => s with { CustomerId = customerId }));
        services.AddSingleton<ITimelineEntries>(sp => new CustomerDocumentsTimeline<Shipment>(sp.GetRequiredService<ShipmentService>().Store,
            sp.GetRequiredService<ShipmentService>().OfCustomerAsync, sp.GetRequiredService<OwnedAccess>()));

        services.AddRecordType<ShipmentSchedule, ShipmentScheduleRecordType>();
        services.AddSingleton<ShipmentSchedules>();
        services.AddSingleton<IApiFeature, ShipmentScheduleEndpoints>();
        services.AddOrchestrator<ShipmentScheduleRun>();
        services.AddActivity<MakeScheduledShipment>();
        services.AddActivity<EndShipmentSchedule>();
        services.AddTimerJob<ShipmentScheduleSweepJob>(ShipmentScheduleSweepJob.Name);

        services.AddBuiltInRoleGrants(
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["shipments"], "view", "create", "edit", "delete", "import", "export", OwnerTransfer.Action,
                ShipmentActions.Ship, ShipmentActions.Deliver),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, ["shipments"], "view"));
        return services;
    }
}
