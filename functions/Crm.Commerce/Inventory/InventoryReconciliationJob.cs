using Crm.Storage.Inventory;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Commerce.Inventory;

/// <summary>
/// Recomputes every balance row from its entries, tenant by tenant, and reports each difference (a warning in the log and
/// a report row per tenant). It repairs nothing: a difference means a bug or a hand edit, and someone must look at it.
/// </summary>
internal sealed class InventoryReconciliationJob(LedgerStore ledger, ReconciliationStore reports, TenantStore tenants, TimeProvider clock,
    ILogger<InventoryReconciliationJob> logger) : ITimerJob
{
    public const string Name = "inventory-reconciliation";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            await ReconcileAsync(tenant.Id, cancellationToken);
        }
    }

    public async Task<ReconciliationReport> ReconcileAsync(string tenantId, CancellationToken cancellationToken)
    {
        var ranAt = clock.GetUtcNow();
        var balances = 0;
        var differences = 0;
        var listed = new List<BalanceDifference>();
        await foreach (var (stored, onHand, reserved, entries) in ledger.RecomputeAsync(tenantId, cancellationToken))
        {
            balances++;
            if (stored.OnHand == onHand && stored.Reserved == reserved && stored.Entries == entries)
            {
                continue;
            }
            differences++;
            logger.LogWarning("Inventory balance of product {Product} in warehouse {Warehouse} (none: the total) of tenant {Tenant} differs from its entries: "
                + "on hand {StoredOnHand} stored, {OnHand} computed; reserved {StoredReserved} stored, {Reserved} computed; entries {StoredEntries} stored, {Entries} counted",
                stored.ProductId, stored.WarehouseId, tenantId, stored.OnHand, onHand, stored.Reserved, reserved, stored.Entries, entries);
            if (listed.Count < ReconciliationStore.MaxListed)
            {
                listed.Add(new BalanceDifference(stored.ProductId, stored.WarehouseId, stored.OnHand, onHand, stored.Reserved, reserved, stored.Entries, entries));
            }
        }
        var report = new ReconciliationReport(ranAt, balances, differences, differences > listed.Count, listed);
        // A tenant without stock gets no report row until it has some.
        if (balances > 0)
        {
            await reports.SaveAsync(tenantId, report, cancellationToken);
        }
        return report;
    }
}
