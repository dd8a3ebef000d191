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
/// The inventory ledger, one partition per product and warehouse (<c>{tenantId}~{productId}~{warehouseId}</c>).
/// Rows: <c>b</c> the running balance, <c>e~{inverted sequence}</c> each entry newest first, <c>k~{hash}</c> a
/// posting's idempotency key naming its entry. An entry, its key and the balance are written in one
/// entity-group transaction guarded by the balance's ETag, so the balance is always the sum of the entries.
/// </summary>
public sealed class LedgerStore(TableServiceClient service, StorageOptions options)
{
    public const string TableName = "inventoryledger";
    private const string BalanceKey = "b";
    private const int MaxAttempts = 100;

    public TableClient Table { get; } = service.GetTableClient(options.Table(TableName));

    /// <summary>What an append did: the entry (the original one on a repeated key), the balance after it, and whether it was new.</summary>
    public sealed record Appended(LedgerEntry Entry, StockBalance Balance, bool Created, int Retries);

    public async Task<(StockBalance Balance, ETag? ETag)> ReadAsync(string tenantId, string productId, string warehouseId, CancellationToken cancellationToken = default)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition(tenantId, productId, warehouseId), BalanceKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? (ToBalance(productId, warehouseId, e), e.ETag) : (new StockBalance(productId, warehouseId, 0, 0, 0), null);
    }

    /// <summary>
    /// Appends the entry <paramref name="build"/> makes from the current balance (it throws to refuse), retrying on a
    /// concurrent write. With an <paramref name="idempotencyKey"/> a repeat inserts nothing and answers the original entry.
    /// </summary>
    public async Task<Appended> AppendAsync(string tenantId, string productId, string warehouseId, string? idempotencyKey,
        Func<StockBalance, (LedgerEntry Entry, StockBalance Next)> build, CancellationToken cancellationToken = default)
    {
        var partition = Partition(tenantId, productId, warehouseId);
        var keyRow = idempotencyKey is null ? null : "k~" + Hash(idempotencyKey);
        for (var attempt = 0; ; attempt++)
        {
            if (keyRow is not null && await FindByKeyAsync(partition, keyRow, productId, warehouseId, attempt, cancellationToken).ConfigureAwait(false) is { } original)
            {
                return original;
            }
            var (balance, etag) = await ReadAsync(tenantId, productId, warehouseId, cancellationToken).ConfigureAwait(false);
            var (entry, next) = build(balance);
            entry = entry with { Sequence = next.Entries };
            var entryKey = EntryKey(entry.Sequence);
            var json = CrmJson.Serialize(entry);
            var balanceRow = BalanceRow(partition, next);
            var actions = new List<TableTransactionAction>
            {
                etag is { } tag
                    ? new(TableTransactionActionType.UpdateReplace, balanceRow, tag)
                    : new(TableTransactionActionType.Add, balanceRow),
                new(TableTransactionActionType.Add, new TableEntity(partition, entryKey) { ["D"] = json }),
            };
            if (keyRow is not null)
            {
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, keyRow) { ["EntryKey"] = entryKey }));
            }
            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return new Appended(entry, next, true, attempt);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another posting won the balance (or the key): re-read and apply again.
                // Jittered exponential back-off, capped: 16 writers on one product must not livelock.
                await Task.Delay(Random.Shared.Next(1, 2 + Math.Min(100, 2 << Math.Min(attempt, 6))), cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                throw new BusyException("inventory.busy", "Too many postings to this product at once; try again.");
            }
        }
    }

    /// <summary>A page of entries newest first; the cursor is the last row key read.</summary>
    public async Task<(IReadOnlyList<LedgerEntry> Items, string? Next)> EntriesAsync(string tenantId, string productId, string warehouseId, int limit, string? cursor,
        CancellationToken cancellationToken = default)
    {
        var partition = Partition(tenantId, productId, warehouseId);
        var hash = ListCursor.Hash("inventory.entries", productId, warehouseId);
        var after = ListCursor.Decode(cursor, hash)?.LastKey;
        var from = after ?? "e~";
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {"e~~"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {"e~~"}");
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
    /// Up to <paramref name="limit"/> of a tenant's balance rows flagged below their reorder level. The filter names the balance
    /// row and the flag, so only those rows come back; the service still walks the tenant's partitions to find them.
    /// </summary>
    public async Task<IReadOnlyList<StockBalance>> LowAsync(string tenantId, int limit, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey gt {tenantId + "~"} and PartitionKey lt {tenantId + "~~"} and RowKey eq {BalanceKey} and Low eq {true}");
        var items = new List<StockBalance>(limit);
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: limit, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            items.Add(ToBalance(row.GetString("ProductId"), row.GetString("WarehouseId"), row));
            if (items.Count == limit)
            {
                break;
            }
        }
        return items;
    }

    /// <summary>A tenant's every balance row with the sum of its partition's entries, for the reconciliation.</summary>
    public async IAsyncEnumerable<(string Partition, StockBalance Stored, decimal OnHand, decimal Reserved, long Entries)> RecomputeAsync(string tenantId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Product ids never start with '~', so "{tenant}~~" bounds the tenant's partitions.
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {tenantId + "~"} and PartitionKey lt {tenantId + "~~"}");
        string? partition = null;
        TableEntity? balance = null;
        decimal onHand = 0, reserved = 0;
        long count = 0;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.PartitionKey != partition)
            {
                if (balance is not null)
                {
                    yield return Summary(balance, onHand, reserved, count);
                }
                (partition, balance, onHand, reserved, count) = (row.PartitionKey, null, 0, 0, 0);
            }
            if (row.RowKey == BalanceKey)
            {
                balance = row;
            }
            else if (row.RowKey.StartsWith("e~", StringComparison.Ordinal))
            {
                var entry = CrmJson.Deserialize<LedgerEntry>(row.GetString("D"))!;
                count++;
                if (entry.Kind is LedgerKind.Reservation or LedgerKind.Release)
                {
                    reserved += entry.Quantity;
                }
                else
                {
                    onHand += entry.Quantity;
                }
            }
        }
        if (balance is not null)
        {
            yield return Summary(balance, onHand, reserved, count);
        }
    }

    private static (string, StockBalance, decimal, decimal, long) Summary(TableEntity balance, decimal onHand, decimal reserved, long count)
    {
        var stored = ToBalance(balance.GetString("ProductId"), balance.GetString("WarehouseId"), balance);
        return (balance.PartitionKey, stored, onHand, reserved, count);
    }

    private async Task<Appended?> FindByKeyAsync(string partition, string keyRow, string productId, string warehouseId, int attempt, CancellationToken cancellationToken)
    {
        var key = await Table.GetEntityIfExistsAsync<TableEntity>(partition, keyRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!key.HasValue || key.Value is null)
        {
            return null;
        }
        var entryRow = await Table.GetEntityAsync<TableEntity>(partition, key.Value.GetString("EntryKey"), cancellationToken: cancellationToken).ConfigureAwait(false);
        var balance = await Table.GetEntityAsync<TableEntity>(partition, BalanceKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new Appended(CrmJson.Deserialize<LedgerEntry>(entryRow.Value.GetString("D"))!, ToBalance(productId, warehouseId, balance.Value), false, attempt);
    }

    private static TableEntity BalanceRow(string partition, StockBalance b) => new(partition, BalanceKey)
    {
        ["ProductId"] = b.ProductId,
        ["WarehouseId"] = b.WarehouseId,
        ["OnHand"] = b.OnHand.ToString(CultureInfo.InvariantCulture),
        ["Reserved"] = b.Reserved.ToString(CultureInfo.InvariantCulture),
        ["Entries"] = b.Entries,
        ["Low"] = b.Low,
    };

    private static StockBalance ToBalance(string productId, string warehouseId, TableEntity e) => new(productId, warehouseId,
        decimal.Parse(e.GetString("OnHand"), CultureInfo.InvariantCulture), decimal.Parse(e.GetString("Reserved"), CultureInfo.InvariantCulture),
        e.GetInt64("Entries") ?? 0, e.GetBoolean("Low") ?? false);

    public static string Partition(string tenantId, string productId, string warehouseId) => $"{tenantId}~{productId}~{warehouseId}";

    private static string EntryKey(long sequence) => "e~" + (long.MaxValue - sequence).ToString("D19", CultureInfo.InvariantCulture);

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
}
