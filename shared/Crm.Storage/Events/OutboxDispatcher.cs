using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Storage.Events;

/// <summary>
/// Moves a tenant's outbox events (written with each change) into its change feed, then clears
/// them. Safe to run twice or to crash at any step: publication skips events already in the feed,
/// and an outbox row is removed only after its event is published.
/// </summary>
public sealed class OutboxDispatcher(RecordTypeRegistry registry, EventFeed feed)
{
    /// <summary>
    /// One dispatch per tenant at a time in this process: a request that arrives while one runs
    /// only makes it look once more. (Concurrent dispatches of one tenant would read the same outbox
    /// rows, race on the feed's counter and retry, several storage calls per event for nothing.)
    /// </summary>
    private readonly SingleFlight<string> _dispatching = new();

    public Task<int> DispatchAsync(string tenantId, CancellationToken cancellationToken) =>
        _dispatching.RunAsync(tenantId, () => DispatchOnceAsync(tenantId, cancellationToken));

    private async Task<int> DispatchOnceAsync(string tenantId, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var store in registry.Stores)
        {
            while (true)
            {
                var rows = await PendingAsync(store.Table, tenantId, cancellationToken).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    break;
                }
                var events = rows.Select(r => CrmJson.Deserialize<ChangeEvent>(r.GetString("D"))).ToList();
                await feed.PublishAsync(tenantId, events, cancellationToken).ConfigureAwait(false);
                await ClearAsync(store.Table, rows, cancellationToken).ConfigureAwait(false);
                total += rows.Count;
            }
        }
        return total;
    }

    /// <summary>Tenants with events still in some outbox (what the sweep job re-dispatches).</summary>
    public async Task<IReadOnlySet<string>> TenantsWithPendingAsync(CancellationToken cancellationToken)
    {
        var tenants = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"RowKey ge {"o~"} and RowKey lt {"o~~"}");
        foreach (var store in registry.Stores)
        {
            await foreach (var row in store.Table.QueryAsync<TableEntity>(filter, 1000, ["PartitionKey"], cancellationToken).ConfigureAwait(false))
            {
                tenants.Add(row.PartitionKey);
            }
        }
        return tenants;
    }

    /// <summary>
    /// Deletes published outbox rows. Another dispatcher of the same tenant may have read, published
    /// and deleted some of them meanwhile (the feed kept one copy): a row already gone is fine.
    /// </summary>
    private static async Task ClearAsync(TableClient table, List<TableEntity> rows, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            foreach (var row in rows)
            {
                try
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException gone) when (gone.Status == 404)
                {
                }
            }
        }
    }

    private static async Task<List<TableEntity>> PendingAsync(TableClient table, string tenantId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {"o~"} and RowKey lt {"o~~"}");
        var rows = new List<TableEntity>();
        // The keys are selected too: a projection returns only what it names, and the rows are deleted by key.
        await foreach (var row in table.QueryAsync<TableEntity>(filter, EventFeed.MaxBatch, ["PartitionKey", "RowKey", "D"], cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
            if (rows.Count == EventFeed.MaxBatch)
            {
                break;
            }
        }
        return rows;
    }
}
