using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;

namespace Crm.Commerce.Shipments;

/// <summary>A schedule's terms: every period from the start (to the end, or while the contract is active), these lines.</summary>
public sealed record CreateShipmentSchedule(
    [property: Required] SchedulePeriod? Period,
    [property: Required] DateOnly? StartDate,
    DateOnly? EndDate,
    [property: Required, MaxLength(ShipmentScheduleRules.MaxLines)] IReadOnlyList<ScheduleLine>? Lines,
    [property: StringLength(1000)] string? PaymentTerm,
    [property: StringLength(26)] string? WarehouseId,
    [property: StringLength(500)] string? Address);

/// <summary>
/// <c>/api/v1/contracts/{id}/shipment-schedules</c> (a contract's schedules) and <c>/api/v1/shipment-schedules/{id}</c>
/// (one, and its cancel): the <c>shipments</c> permissions, on schedules of contracts in the caller's sight.
/// </summary>
internal sealed class ShipmentScheduleEndpoints : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var ofContract = api.MapGroup("/api/v1/contracts/{id}/shipment-schedules").WithTags("Shipments");
        ofContract.MapPost("/", CreateShipmentSchedule).RequirePermission("shipments.create").WithName("CreateShipmentSchedule")
            .WithSummary("Deliver part of an active contract every week, month or quarter: each date makes a packed shipment, in the tenant's time zone");
        ofContract.MapGet("/", ListShipmentSchedules).RequirePermission("shipments.view").WithName("ListShipmentSchedules")
            .WithSummary("A contract's shipment schedules, newest first");
        var one = api.MapGroup("/api/v1/shipment-schedules/{id}").WithTags("Shipments");
        one.MapGet("/", GetShipmentSchedule).RequirePermission("shipments.view").WithName("GetShipmentSchedule")
            .WithSummary("A shipment schedule with its next dates and the shipments it made");
        one.MapPost("/cancel", CancelShipmentSchedule).RequirePermission("shipments.edit").WithName("CancelShipmentSchedule").ChecksIfMatch()
            .WithSummary("Cancel an active shipment schedule: no further shipment is made (those made stay)");
    }

    public static async Task<Created<JsonObject>> CreateShipmentSchedule(string id, CreateShipmentSchedule input, ShipmentSchedules schedules,
        RecordStore<Contract> contracts, OwnedAccess access, HttpContext context)
    {
        var caller = context.Caller();
        // The contract first, so an id out of reach answers 404 whatever the body.
        var contract = await access.FindVisibleAsync(caller, contracts, id, context.RequestAborted) ?? throw new NotFoundException("contract", id);
        var schedule = await schedules.CreateAsync(caller, contract, input, context.RequestAborted);
        Preconditions.SetETag(context, schedule);
        return TypedResults.Created($"/api/v1/shipment-schedules/{schedule.Id}", await schedules.ViewAsync(caller, schedule, context.RequestAborted));
    }

    public static async Task<Ok<JsonObject>> ListShipmentSchedules(string id, ShipmentSchedules schedules, RecordStore<Contract> contracts, OwnedAccess access,
        HttpContext context)
    {
        var caller = context.Caller();
        var contract = await access.FindVisibleAsync(caller, contracts, id, context.RequestAborted) ?? throw new NotFoundException("contract", id);
        var items = new JsonArray();
        await foreach (var schedule in schedules.Store.ListAllAsync(caller.TenantId, new ListQuery { FieldEquals = [new("contractId", contract.Id)], Limit = 200 },
            context.RequestAborted))
        {
            items.Add(await schedules.ViewAsync(caller, schedule, context.RequestAborted));
        }
        return TypedResults.Ok(new JsonObject { ["items"] = items });
    }

    public static async Task<Ok<JsonObject>> GetShipmentSchedule(string id, ShipmentSchedules schedules, HttpContext context)
    {
        var caller = context.Caller();
        var schedule = await schedules.VisibleAsync(caller, id, context.RequestAborted);
        Preconditions.SetETag(context, schedule);
        return TypedResults.Ok(await schedules.ViewAsync(caller, schedule, context.RequestAborted));
    }

    public static async Task<Ok<JsonObject>> CancelShipmentSchedule(string id, ShipmentReason input, ShipmentSchedules schedules, TenantStore tenants,
        HttpContext context)
    {
        var caller = context.Caller();
        RequestValidation.Validate(input);
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var cancelled = await schedules.CancelAsync(caller, id, ifMatch, TextNormalizer.Trimmed(input.Reason), context.RequestAborted);
        Preconditions.SetETag(context, cancelled);
        return TypedResults.Ok(await schedules.ViewAsync(caller, cancelled, context.RequestAborted));
    }
}

/// <summary>
/// The safety net of schedules (every 5 minutes): an active schedule whose contract stopped being active ends now rather
/// than at its next date; one whose run is missing (the process died between writing the schedule and starting it) or
/// failed is started again from its next delivery. Deliveries already made are not made again (their marks).
/// </summary>
internal sealed class ShipmentScheduleSweepJob(ShipmentSchedules schedules, RecordStore<Contract> contracts, DurableTaskClient orchestrations,
    TenantStore tenants, TimeProvider clock) : ITimerJob
{
    public const string Name = "shipment-schedules";

    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            var query = new ListQuery { FieldEquals = [new("status", "active")], Limit = 200 };
            await foreach (var schedule in schedules.Store.ListAllAsync(tenant.Id, query, cancellationToken))
            {
                var contract = await contracts.FindAsync(tenant.Id, schedule.ContractId, cancellationToken);
                if (contract is not { Status: ContractStatus.Active })
                {
                    await schedules.EndAsync(tenant.Id, schedule.Id, ShipmentSchedules.ContractStopped(contract), cancellationToken, stopRun: true);
                }
                else
                {
                    // A run not there yet may be one a create is starting this very moment: only one over a minute old is missing.
                    var run = await orchestrations.GetInstanceAsync(ScheduleRun.InstanceId(tenant.Id, schedule.Id), cancellationToken);
                    if (run is { IsCompleted: true } || (run is null && clock.GetUtcNow() - schedule.CreatedAt > Grace))
                    {
                        await schedules.StartAsync(tenant.Id, schedule, cancellationToken);
                    }
                }
            }
        }
    }
}
