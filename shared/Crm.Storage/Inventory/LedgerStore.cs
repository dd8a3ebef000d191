using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Storage.Records;

namespace Crm.Storage.Inventory;

/// <summary>
/// The inventory ledger, one partition per product (<c>{tenantId}~{productId}</c>). Rows: <c>b</c> the product's running
/// total, <c>w~{warehouseId}</c> its running balance in each warehouse, <c>e~{inverted sequence}</c> each entry newest
/// first, <c>k~{hash}</c> a posting's idempotency key naming its entry. An entry, its key, the warehouse's balance and the
/// total are written in one entity-group transaction guarded by both balances' ETags, so each balance is always the sum
/// of its entries and the total the sum of the warehouses.
/// </summary>
public sealed class LedgerStore(TableServiceClient service, StorageOptions options)
{
    public const string TableName = "inventoryledger";
    private const string TotalKey = "b";
    private const string WarehousePrefix = "w~";
    private const int MaxAttempts = 100;

    public TableClient Table { get; } = service.GetTableClient(options.Table(TableName));

    /// <summary>What an append did: the entry (the original one on a repeated key), the stock after it, and whether it was new.</summary>
    public sealed record Appended(LedgerEntry Entry, ProductStock Stock, bool Created, int Retries);

    private sealed record Versioned(ProductStock Stock, ETag? Total, ETag? Warehouse);

    /// <summary>A product's stock in one warehouse and in total (zeros when nothing was posted).</summary>
    public async Task<ProductStock> ReadAsync(string tenantId, string productId, string warehouseId, CancellationToken cancellationToken = default) =>
        (await ReadVersionedAsync(Partition(tenantId, productId), productId, warehouseId, cancellationToken).ConfigureAwait(false)).Stock;

    /// <summary>A product's total and its balance in every warehouse it has had stock in.</summary>
    public async Task<(StockBalance Total, IReadOnlyList<StockBalance> Warehouses)> BalancesAsync(string tenantId, string productId,
        CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition(tenantId, productId)} and (RowKey eq {TotalKey} or (RowKey gt {WarehousePrefix} and RowKey lt {"w~~"}))");
        var total = Zero(productId, null);
        var warehouses = new List<StockBalance>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == TotalKey)
            {
                total = ToBalance(productId, null, row);
            }
            else
            {
                warehouses.Add(ToBalance(productId, row.RowKey[WarehousePrefix.Length..], row));
            }
        }
        return (total, warehouses);
    }

    /// <summary>
    /// Appends the entry <paramref name="build"/> makes from the current stock (it throws to refuse), retrying on a
    /// concurrent write. With an <paramref name="idempotencyKey"/> a repeat inserts nothing and answers the original entry.
    /// </summary>
    public async Task<Appended> AppendAsync(string tenantId, string productId, string warehouseId, string? idempotencyKey,
        Func<ProductStock, (LedgerEntry Entry, ProductStock Next)> build, CancellationToken cancellationToken = default)
    {
        var partition = Partition(tenantId, productId);
        var keyRow = idempotencyKey is null ? null : "k~" + Hash(idempotencyKey);
        for (var attempt = 0; ; attempt++)
        {
            if (keyRow is not null && await FindByKeyAsync(partition, keyRow, productId, attempt, cancellationToken).ConfigureAwait(false) is { } original)
            {
                return original;
            }
            var current = await ReadVersionedAsync(partition, productId, warehouseId, cancellationToken).ConfigureAwait(false);
            var (entry, next) = build(current.Stock);
            entry = entry with { Sequence = next.Total.Entries };
            var entryKey = EntryKey(entry.Sequence);
            var actions = new List<TableTransactionAction>
            {
                Write(BalanceRow(partition, TotalKey, next.Total), current.Total),
                Write(BalanceRow(partition, WarehousePrefix + warehouseId, next.Warehouse), current.Warehouse),
                new(TableTransactionActionType.Add, new TableEntity(partition, entryKey) { ["D"] = CrmJson.Serialize(entry), ["W"] = warehouseId }),
            };
            if (keyRow is not null)
            {
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, keyRow) { ["EntryKey"] = entryKey, ["W"] = warehouseId }));
            }
            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return new Appended(entry, next, true, attempt);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another posting won a balance (or the key): re-read and apply again.
                // Jittered exponential back-off, capped: 16 writers on one product must not livelock.
                await Task.Delay(Random.Shared.Next(1, 2 + Math.Min(100, 2 << Math.Min(attempt, 6))), cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                throw new BusyException("inventory.busy", "Too many postings to this product at once; try again.");
            }
        }
    }

    /// <summary>True when any product has stock on hand or reserved in the warehouse (a balance row flagged stocked).</summary>
    public async Task<bool> HasStockAsync(string tenantId, string warehouseId, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey gt {tenantId + "~"} and PartitionKey lt {tenantId + "~~"} and RowKey eq {WarehousePrefix + warehouseId} and Stocked eq {true}");
        await foreach (var _ in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return true;
        }
        return false;
    }

    /// <summary>A page of entries newest first, of one warehouse or all; the cursor is the last row key read.</summary>
    public async Task<(IReadOnlyList<LedgerEntry> Items, string? Next)> EntriesAsync(string tenantId, string productId, string? warehouseId, int limit,
        string? cursor, CancellationToken cancellationToken = default)
    {
        var partition = Partition(tenantId, productId);
        var hash = ListCursor.Hash("inventory.entries", productId, warehouseId ?? "*");
        var after = ListCursor.Decode(cursor, hash)?.LastKey;
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"e~"} and RowKey lt {"e~~"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after} and RowKey lt {"e~~"}");
        if (warehouseId is not null)
        {
            filter += TableClient.CreateQueryFilter($" and W eq {warehouseId}");
        }
        var items = new List<LedgerEntry>(limit);
        string? last = null;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: limit + 1, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (items.Count == limit)
            {
                return (items, new ListCursor(last!, hash).Encode());
            }
            items.Add(CrmJson.Deserialize<LedgerEntry>(row.GetString("D"))!);
            last = row.RowKey;
        }
        return (items, null);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> of a tenant's product totals flagged below their reorder level. The filter names the
    /// total row and the flag, so only those rows come back; the service still walks the tenant's partitions to find them.
    /// </summary>
    public async Task<IReadOnlyList<StockBalance>> LowAsync(string tenantId, int limit, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey gt {tenantId + "~"} and PartitionKey lt {tenantId + "~~"} and RowKey eq {TotalKey} and Low eq {true}");
        var items = new List<StockBalance>(limit);
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: limit, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            items.Add(ToBalance(row.GetString("ProductId"), null, row));
            if (items.Count == limit)
            {
                break;
            }
        }
        return items;
    }

    /// <summary>A stored balance (a product's total or one warehouse's) beside the figures its entries add up to.</summary>
    public sealed record Recomputed(StockBalance Stored, decimal OnHand, decimal Reserved, long Entries);

    /// <summary>
    /// Every balance of a tenant, totals and warehouses, with the sums of their entries, for the reconciliation. A
    /// warehouse whose entries have no balance row is answered with a zero stored balance, so it shows as a difference.
    /// </summary>
    public async IAsyncEnumerable<Recomputed> RecomputeAsync(string tenantId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Product ids never start with '~', so "{tenant}~~" bounds the tenant's partitions.
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {tenantId + "~"} and PartitionKey lt {tenantId + "~~"}");
        var product = new ProductSums(null);
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.PartitionKey != product.Partition)
            {
                foreach (var done in product.Results())
                {
                    yield return done;
                }
                product = new ProductSums(row.PartitionKey);
            }
            product.Add(row);
        }
        foreach (var done in product.Results())
        {
            yield return done;
        }
    }

    /// <summary>One product partition read in key order: its balance rows and the running sums of its entries.</summary>
    private sealed class ProductSums(string? partition)
    {
        private StockBalance? total;
        private readonly Dictionary<string, StockBalance> stored = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (decimal OnHand, decimal Reserved, long Entries)> sums = new(StringComparer.Ordinal);
        private (decimal OnHand, decimal Reserved, long Entries) all;
        private string productId = "";

        public string? Partition => partition;

        public void Add(TableEntity row)
        {
            if (row.RowKey == TotalKey)
            {
                productId = row.GetString("ProductId");
                total = ToBalance(productId, null, row);
            }
            else if (row.RowKey.StartsWith(WarehousePrefix, StringComparison.Ordinal))
            {
                productId = row.GetString("ProductId");
                var warehouse = row.RowKey[WarehousePrefix.Length..];
                stored[warehouse] = ToBalance(productId, warehouse, row);
            }
            else if (row.RowKey.StartsWith("e~", StringComparison.Ordinal))
            {
                var entry = CrmJson.Deserialize<LedgerEntry>(row.GetString("D"))!;
                productId = entry.ProductId;
                all = Sum(all, entry);
                sums[entry.WarehouseId] = Sum(sums.GetValueOrDefault(entry.WarehouseId), entry);
            }
        }

        public IEnumerable<Recomputed> Results()
        {
            if (partition is null)
            {
                yield break;
            }
            yield return new Recomputed(total ?? Zero(productId, null), all.OnHand, all.Reserved, all.Entries);
            foreach (var warehouse in stored.Keys.Union(sums.Keys).Order(StringComparer.Ordinal))
            {
                var (onHand, reserved, entries) = sums.GetValueOrDefault(warehouse);
                yield return new Recomputed(stored.GetValueOrDefault(warehouse) ?? Zero(productId, warehouse), onHand, reserved, entries);
            }
        }

        private static (decimal, decimal, long) Sum((decimal OnHand, decimal Reserved, long Entries) sum, LedgerEntry entry) =>
            entry.Kind is LedgerKind.Reservation or LedgerKind.Release
                ? (sum.OnHand, sum.Reserved + entry.Quantity, sum.Entries + 1)
                : (sum.OnHand + entry.Quantity, sum.Reserved, sum.Entries + 1);
    }

    private async Task<Versioned> ReadVersionedAsync(string partition, string productId, string warehouseId, CancellationToken cancellationToken)
    {
        var totalRead = Table.GetEntityIfExistsAsync<TableEntity>(partition, TotalKey, cancellationToken: cancellationToken);
        var warehouseRead = Table.GetEntityIfExistsAsync<TableEntity>(partition, WarehousePrefix + warehouseId, cancellationToken: cancellationToken);
        var total = await totalRead.ConfigureAwait(false);
        var warehouse = await warehouseRead.ConfigureAwait(false);
        return new Versioned(
            new ProductStock(
                warehouse.HasValue && warehouse.Value is { } w ? ToBalance(productId, warehouseId, w) : Zero(productId, warehouseId),
                total.HasValue && total.Value is { } t ? ToBalance(productId, null, t) : Zero(productId, null)),
            total.HasValue ? total.Value?.ETag : null,
            warehouse.HasValue ? warehouse.Value?.ETag : null);
    }

    private async Task<Appended?> FindByKeyAsync(string partition, string keyRow, string productId, int attempt, CancellationToken cancellationToken)
    {
        var key = await Table.GetEntityIfExistsAsync<TableEntity>(partition, keyRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!key.HasValue || key.Value is null)
        {
            return null;
        }
        var entryRow = await Table.GetEntityAsync<TableEntity>(partition, key.Value.GetString("EntryKey"), cancellationToken: cancellationToken).ConfigureAwait(false);
        var entry = CrmJson.Deserialize<LedgerEntry>(entryRow.Value.GetString("D"))!;
        var current = await ReadVersionedAsync(partition, productId, entry.WarehouseId, cancellationToken).ConfigureAwait(false);
        return new Appended(entry, current.Stock, false, attempt);
    }

    private static TableTransactionAction Write(TableEntity row, ETag? etag) => etag is { } tag
        ? new(TableTransactionActionType.UpdateReplace, row, tag)
        : new(TableTransactionActionType.Add, row);

    private static TableEntity BalanceRow(string partition, string rowKey, StockBalance b)
    {
        var row = new TableEntity(partition, rowKey)
        {
            ["ProductId"] = b.ProductId,
            ["OnHand"] = b.OnHand.ToString(CultureInfo.InvariantCulture),
            ["Reserved"] = b.Reserved.ToString(CultureInfo.InvariantCulture),
            ["Entries"] = b.Entries,
        };
        if (b.WarehouseId is null)
        {
            row["Low"] = b.Low;
        }
        else
        {
            // Queried when the warehouse is deleted: a warehouse holding anything, on hand or reserved, stays.
            row["Stocked"] = b.OnHand != 0 || b.Reserved != 0;
        }
        return row;
    }

    private static StockBalance Zero(string productId, string? warehouseId) => new(productId, warehouseId, 0, 0, 0);

    private static StockBalance ToBalance(string productId, string? warehouseId, TableEntity e) => new(productId, warehouseId,
        decimal.Parse(e.GetString("OnHand"), CultureInfo.InvariantCulture), decimal.Parse(e.GetString("Reserved"), CultureInfo.InvariantCulture),
        e.GetInt64("Entries") ?? 0, e.GetBoolean("Low") ?? false);

    public static string Partition(string tenantId, string productId) => $"{tenantId}~{productId}";

    private static string EntryKey(long sequence) => "e~" + (long.MaxValue - sequence).ToString("D19", CultureInfo.InvariantCulture);

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
}
