using Crm.Commerce.Inventory;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Commerce.Shipments;

/// <summary>
/// A ship action in steps that each survive a crash: the dispatch is written onto the shipment (under its ETag, so one
/// ship at a time), each line is posted to the ledger as a shipment out of the shipment's warehouse under a key of
/// shipment, line and attempt (a second posting changes nothing), then the shipment becomes shipped. When the ledger
/// refuses a line (stock would go below zero), the refusal is written down first, the lines before it are given back
/// by counter-entries under keys of their own, and the shipment stays packed. Either way an interrupted dispatch is
/// finished by the <c>shipment-dispatches</c> sweep.
/// </summary>
internal sealed class ShipmentDispatches(RecordStore<Shipment> store, InventoryLedger ledger, TimeProvider clock)
{
    public const string Insufficient = "inventory.insufficient";

    /// <summary>The right to go below zero, held by a dispatch its shipper allowed to (checked when the ship was asked for).</summary>
    private static readonly AccessProfile MayOverride = BackgroundActor.Granted("shipments", DataScope.All, "inventory.override").Access;

    /// <summary>Finishes the shipment's dispatch, or undoes it and answers 409 <c>inventory.insufficient</c> naming the line refused.</summary>
    public async Task<Shipment> FinishAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var shipment = await store.GetAsync(tenantId, id, cancellationToken);
        if (shipment.Dispatch is not { } dispatch)
        {
            return shipment;
        }
        var caller = new Caller(tenantId, dispatch.By, dispatch.Override ? MayOverride : AccessProfile.Nothing, null);
        if (dispatch.RefusedLine is { } refused)
        {
            await UndoAsync(caller, shipment, dispatch, refused, cancellationToken);
            throw Refusal(shipment.Lines[refused], null);
        }
        for (var i = 0; i < shipment.Lines.Count; i++)
        {
            try
            {
                await PostAsync(caller, shipment, i, dispatch, cancellationToken);
            }
            catch (ConflictException e) when (e.Code == Insufficient)
            {
                // Written before anything is given back: a rerun then only undoes, even if stock arrived meanwhile.
                var line = i;
                var marked = await store.UpdateAsync(caller.Write(clock), id, null, s => ValueTask.FromResult(
                    s.Dispatch?.Attempt == dispatch.Attempt ? s with { Dispatch = s.Dispatch with { RefusedLine = s.Dispatch.RefusedLine ?? line } } : s),
                    cancellationToken: cancellationToken);
                if (marked.Dispatch is not { RefusedLine: { } refusedLine } || marked.Dispatch.Attempt != dispatch.Attempt)
                {
                    // Another finisher completed this dispatch meanwhile.
                    return marked;
                }
                await UndoAsync(caller, marked, dispatch, refusedLine, cancellationToken);
                throw Refusal(shipment.Lines[refusedLine], e);
            }
        }
        return await store.UpdateAsync(caller.Write(clock).As(ShipmentActions.Shipped), id, null, s => ValueTask.FromResult(s.Dispatch?.Attempt != dispatch.Attempt ? s
            : ShipmentRules.Move(s, ShipmentStatus.Shipped, dispatch.By, dispatch.At) with
            {
                Dispatch = null,
                ShippedAt = dispatch.At,
                ShippedBy = dispatch.By,
                Overridden = dispatch.Override,
            }), cancellationToken: cancellationToken);
    }

    /// <summary>Gives back the lines before the refused one (each posted in this attempt), then clears the dispatch: the shipment is packed again.</summary>
    private async Task UndoAsync(Caller caller, Shipment shipment, ShipmentDispatch dispatch, int refused, CancellationToken cancellationToken)
    {
        for (var i = 0; i < refused; i++)
        {
            // Posted already, so this answers the original entry and posts nothing.
            var original = await ledger.PostForDocumentAsync(caller, Posting(shipment, i, dispatch), cancellationToken);
            var line = shipment.Lines[i];
            await ledger.PostForDocumentAsync(caller, new LedgerPosting(LedgerKind.Receipt, line.ProductId, line.Quantity,
                $"Shipment {shipment.Number} not shipped: stock refused", Source(shipment, line), IdempotencyKey: $"undo~{dispatch.Attempt}",
                CorrectsEntryId: original.Entry.Id, WarehouseId: shipment.WarehouseId), cancellationToken);
        }
        await store.UpdateAsync(caller.Write(clock), shipment.Id, null, s => ValueTask.FromResult(
            s.Dispatch?.Attempt == dispatch.Attempt ? s with { Dispatch = null } : s), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Posts a line. A refusal is asked once more: the ledger looks for the key before it reads the balance, so a
    /// concurrent finisher's posting of this very line can land in between and leave too little for a second one; asked
    /// again, the ledger finds the key and answers that entry.
    /// </summary>
    private async Task PostAsync(Caller caller, Shipment shipment, int index, ShipmentDispatch dispatch, CancellationToken cancellationToken)
    {
        try
        {
            await ledger.PostForDocumentAsync(caller, Posting(shipment, index, dispatch), cancellationToken);
        }
        catch (ConflictException e) when (e.Code == Insufficient)
        {
            await ledger.PostForDocumentAsync(caller, Posting(shipment, index, dispatch), cancellationToken);
        }
    }

    private static LedgerPosting Posting(Shipment shipment, int index, ShipmentDispatch dispatch)
    {
        var line = shipment.Lines[index];
        return new LedgerPosting(LedgerKind.Shipment, line.ProductId, line.Quantity, line.Gift ? $"Shipment {shipment.Number} (gift)" : $"Shipment {shipment.Number}",
            Source(shipment, line), IdempotencyKey: $"ship~{dispatch.Attempt}", Override: dispatch.Override, WarehouseId: shipment.WarehouseId);
    }

    private static SourceDocument Source(Shipment shipment, ShipmentLine line) => new(ShipmentService.Kind, shipment.Id, line.Id);

    private static ConflictException Refusal(ShipmentLine line, ConflictException? ledger)
    {
        var extensions = new Dictionary<string, object?>(ledger?.Extensions ?? new Dictionary<string, object?>()) { ["productId"] = line.ProductId, ["lineId"] = line.Id };
        return new ConflictException(Insufficient, $"Not enough '{line.Name}' ({line.Code}) in stock to ship {line.Quantity}{(ledger is null ? "" : ": " + ledger.Message)}; nothing was shipped.", extensions);
    }
}

/// <summary>
/// The safety net of ship actions: finds shipments whose dispatch was started over a minute ago and not finished (the
/// request died between its steps) and finishes or undoes it, as the shipper.
/// </summary>
internal sealed class ShipmentDispatchSweepJob(ShipmentDispatches dispatches, RecordStore<Shipment> shipments, TenantStore tenants, TimeProvider clock) : ITimerJob
{
    public const string Name = "shipment-dispatches";

    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            var query = new ListQuery { FieldEquals = [new("hasPendingDispatch", "true")], Limit = 200 };
            await foreach (var shipment in shipments.ListAllAsync(tenant.Id, query, cancellationToken))
            {
                if (shipment.Dispatch is { } dispatch && clock.GetUtcNow() - dispatch.At > Grace)
                {
                    try
                    {
                        await dispatches.FinishAsync(tenant.Id, shipment.Id, cancellationToken);
                    }
                    catch (ConflictException e) when (e.Code == ShipmentDispatches.Insufficient)
                    {
                        // Undone, as the request would have: the shipment is packed again and its shipper ships it when stock arrives.
                    }
                }
            }
        }
    }
}
