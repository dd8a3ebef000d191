using System.Text.Json.Nodes;
using Crm.Commerce.Warehouses;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Commerce.Shipments;

internal sealed class ShipmentScheduleRecordType : RecordType<ShipmentSchedule>
{
    public override string Name => "shipmentSchedule";
    public override string Table => "shipmentschedules";
    public override string Collection => "shipment-schedules";
    public override string DisplayName(ShipmentSchedule record) => $"{SalesDocumentRules.Camel(record.Period)} from {record.StartDate:yyyy-MM-dd}";

    /// <summary>A schedule is cancelled, never deleted: its shipments name it.</summary>
    public override bool CanDelete => false;

    /// <summary>A contract's schedules, and the active ones the sweep looks after.</summary>
    public override IReadOnlyList<string> IndexedFields => ["contractId", "status"];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "contractId", "customerId", "period", "startDate", "endDate", "status", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

/// <summary>
/// Shipment schedules of active contracts: each one record and one orchestration (<see cref="ShipmentScheduleRun"/>),
/// started when the record is written. Reading one shows its next dates and the shipments it made.
/// </summary>
internal sealed class ShipmentSchedules(RecordStore<ShipmentSchedule> store, RecordStore<Contract> contracts, ShipmentService shipments,
    WarehouseService warehouses, OwnedAccess access, TenantStore tenants, DurableTaskClient orchestrations, TimeProvider clock)
{
    public const int NextDates = 5;
    public const string Scheduled = "scheduled";

    /// <summary>Who makes the scheduled shipments: the schedule's author asked for them; the shipments belong to the contract's owner.</summary>
    private static readonly BackgroundActor Actor = BackgroundActor.Unrestricted("shipment-schedules");

    public RecordStore<ShipmentSchedule> Store => store;

    public async Task<ShipmentSchedule> CreateAsync(Caller caller, Contract contract, CreateShipmentSchedule input, CancellationToken cancellationToken)
    {
        RequestValidation.Validate(input);
        var lines = (input.Lines ?? []).Select(l => l is null ? null! : l with { ProductId = l.ProductId?.Trim() ?? "" }).ToList();
        ShipmentScheduleRules.Check(input.StartDate!.Value, input.EndDate, lines);
        ShipmentRules.EnsureContractActive(contract);
        await shipments.ShippableAsync(caller.TenantId, [.. lines.Select(l => l.ProductId)], contract, cancellationToken);
        var warehouse = await warehouses.PostableAsync(caller.TenantId, input.WarehouseId, cancellationToken);
        var write = caller.Write(clock);
        var schedule = await store.CreateAsync(write, new ShipmentSchedule
        {
            ContractId = contract.Id,
            CustomerId = contract.CustomerId,
            Period = input.Period!.Value,
            StartDate = input.StartDate.Value,
            EndDate = input.EndDate,
            Lines = lines,
            PaymentTerm = TextNormalizer.Trimmed(input.PaymentTerm) ?? contract.PaymentTerms,
            WarehouseId = warehouse.Id,
            Address = TextNormalizer.Trimmed(input.Address),
            Status = ScheduleStatus.Active,
            StatusHistory = [new StatusChange(null, SalesDocumentRules.Camel(ScheduleStatus.Active), write.Now, caller.UserId)],
        }, cancellationToken: cancellationToken);
        await StartAsync(caller.TenantId, schedule, cancellationToken);
        return schedule;
    }

    /// <summary>Starts the schedule's run from its next delivery, unless one runs: the instance id is the schedule's.</summary>
    public async Task StartAsync(string tenantId, ShipmentSchedule schedule, CancellationToken cancellationToken)
    {
        var instanceId = ScheduleRun.InstanceId(tenantId, schedule.Id);
        if (await orchestrations.GetInstanceAsync(instanceId, cancellationToken) is { IsCompleted: false })
        {
            return;
        }
        var zone = (await tenants.FindAsync(tenantId, cancellationToken))?.TimeZone ?? "UTC";
        await orchestrations.ScheduleNewOrchestrationInstanceAsync(nameof(ShipmentScheduleRun),
            new ScheduleRun(tenantId, schedule.Id, schedule.Period, schedule.StartDate, schedule.EndDate, zone, schedule.Delivered),
            new StartOrchestrationOptions(instanceId), cancellationToken);
    }

    public async Task<ShipmentSchedule> CancelAsync(Caller caller, string id, string? ifMatch, string? reason, CancellationToken cancellationToken)
    {
        await VisibleAsync(caller, id, cancellationToken);
        var cancelled = await store.UpdateAsync(caller.Write(clock).As(Activities.Cancelled), id, ifMatch, s => ValueTask.FromResult(
            ShipmentScheduleRules.Stop(s, ScheduleStatus.Cancelled, caller.UserId, clock.GetUtcNow(), reason)), cancellationToken: cancellationToken);
        await StopRunAsync(caller.TenantId, id, "cancelled", cancellationToken);
        return cancelled;
    }

    /// <summary>Ends an active schedule (nothing when it is no longer active) and its run.</summary>
    public async Task EndAsync(string tenantId, string id, string reason, CancellationToken cancellationToken, bool stopRun = false)
    {
        await store.UpdateAsync(Actor.In(tenantId).Write(clock).As(Activities.Completed), id, null, s => ValueTask.FromResult(
            s.Status == ScheduleStatus.Active ? ShipmentScheduleRules.Stop(s, ScheduleStatus.Ended, Actor.Id, clock.GetUtcNow(), reason) : s), cancellationToken: cancellationToken);
        if (stopRun)
        {
            await StopRunAsync(tenantId, id, "ended", cancellationToken);
        }
    }

    private async Task StopRunAsync(string tenantId, string id, string reason, CancellationToken cancellationToken)
    {
        var instanceId = ScheduleRun.InstanceId(tenantId, id);
        if (await orchestrations.GetInstanceAsync(instanceId, cancellationToken) is { IsCompleted: false })
        {
            await orchestrations.TerminateInstanceAsync(instanceId, reason, cancellationToken);
        }
    }

    /// <summary>
    /// The delivery's shipment, made once; the schedule ends instead when it is no longer active, its contract is not,
    /// nothing remains of its products, or the shipment is refused. Answers whether the run goes on.
    /// </summary>
    public async Task<string> DeliverAsync(string tenantId, string id, int index, DateOnly date, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(tenantId, id, cancellationToken) is not { Status: ScheduleStatus.Active } schedule)
        {
            return "stopped";
        }
        var contract = await contracts.FindAsync(tenantId, schedule.ContractId, cancellationToken);
        if (contract is not { Status: ContractStatus.Active })
        {
            await EndAsync(tenantId, id, ContractStopped(contract), cancellationToken);
            return "ended";
        }
        var mark = new WriteMark(ShipmentService.Kind, $"schedule~{id}~{date:yyyy-MM-dd}");
        if ((await shipments.Store.MarksAsync(tenantId, mark.Key, cancellationToken)).Count == 0)
        {
            var remaining = await shipments.RemainingAsync(tenantId, contract, null, cancellationToken);
            // The last delivery ships what is left of each product; when nothing is, the contract is fulfilled.
            var lines = schedule.Lines.Select(l => new ShipmentLineInput { ProductId = l.ProductId, Quantity = Math.Min(l.Quantity, remaining.GetValueOrDefault(l.ProductId)) })
                .Where(l => l.Quantity > 0).ToList();
            if (lines.Count == 0)
            {
                await EndAsync(tenantId, id, "Nothing remains to ship of the schedule's products on the contract.", cancellationToken);
                return "ended";
            }
            var fields = new ShipmentFields
            {
                ContractId = contract.Id,
                OwnerId = contract.OwnerId,
                WarehouseId = schedule.WarehouseId,
                Address = schedule.Address,
                PaymentTerm = schedule.PaymentTerm,
                DeliveryDate = date,
                LineInputs = lines,
            };
            try
            {
                await shipments.CreateAsync(Actor.In(tenantId) with { Mark = mark }, fields,
                    new RecordSeed<Shipment>(Ids.New(clock.GetUtcNow()), Scheduled, s => s with { ScheduleId = id }), cancellationToken);
            }
            catch (ConflictException e) when (e.Code == RecordStore<Shipment>.AlreadyWritten)
            {
                // A rerun after a crash between the create and the activity's result: made already.
            }
            catch (Exception e) when (e is ValidationException or ConflictException)
            {
                await EndAsync(tenantId, id, $"The delivery of {date:yyyy-MM-dd} was refused: {e.Message}", cancellationToken);
                return "ended";
            }
        }
        await store.UpdateAsync(Actor.In(tenantId).Write(clock).As(Scheduled), id, null, s => ValueTask.FromResult(
            s with { Delivered = Math.Max(s.Delivered, index + 1) }), cancellationToken: cancellationToken);
        return ShipmentScheduleRun.Continue;
    }

    /// <summary>Why a schedule ends when its contract is no longer active.</summary>
    public static string ContractStopped(Contract? contract) => $"The contract is {(contract is null ? "deleted" : SalesDocumentRules.Camel(contract.Status))}.";

    /// <summary>The schedule with its next dates (none once it stopped) and the shipments it made that the caller may see.</summary>
    public async Task<JsonObject> ViewAsync(Caller caller, ShipmentSchedule schedule, CancellationToken cancellationToken)
    {
        var view = RecordShape.Of(caller, store.TableName, schedule);
        var next = schedule.Status == ScheduleStatus.Active ? DeliveryDates.From(schedule.Period, schedule.StartDate, schedule.EndDate, schedule.Delivered, NextDates) : [];
        view["nextDates"] = new JsonArray([.. next.Select(d => (JsonNode)JsonValue.Create(d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))]);
        var made = new JsonArray();
        var query = new ListQuery { FieldEquals = [new("scheduleId", schedule.Id)], Limit = 200 };
        await foreach (var shipment in shipments.Store.ListAllAsync(caller.TenantId, query, cancellationToken))
        {
            if (await access.MaySeeAsync(caller, shipments.Store.TableName, shipment, cancellationToken))
            {
                made.Add(new JsonObject
                {
                    ["id"] = shipment.Id,
                    ["number"] = shipment.Number,
                    ["deliveryDate"] = shipment.DeliveryDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    ["status"] = SalesDocumentRules.Camel(shipment.Status),
                });
            }
        }
        view["shipments"] = made;
        return view;
    }

    /// <summary>A schedule the caller may reach: one of a contract in their sight (404 otherwise, as for an unknown id).</summary>
    public async Task<ShipmentSchedule> VisibleAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var schedule = await store.FindAsync(caller.TenantId, id, cancellationToken);
        if (schedule is null || await access.FindVisibleAsync(caller, contracts, schedule.ContractId, cancellationToken) is null)
        {
            throw new NotFoundException("shipmentSchedule", id);
        }
        return schedule;
    }
}
