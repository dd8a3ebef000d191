using System.Diagnostics;
using Azure.Data.Tables;
using Crm.Domain.Commerce;
using Crm.Storage;
using Crm.Storage.Inventory;

namespace Crm.Benchmarks;

/// <summary>
/// <c>--only ledger</c>: 16 clients append receipts to one product's ledger (one partition, every append guarded by the
/// balance row's ETag), then the balance is checked against the sum of the entries. Measures the store, not HTTP.
/// </summary>
internal sealed class LedgerBench(BenchOptions options, string prefix)
{
    private const int Clients = 16;
    private const int Entries = 2_000;

    public async Task RunAsync()
    {
        var store = new LedgerStore(new TableServiceClient(options.Storage), new StorageOptions { Prefix = prefix });
        await store.Table.CreateIfNotExistsAsync();
        var latencies = new List<double>(Entries);
        var retries = 0;
        var busy = 0;
        var next = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= Entries)
            {
                var started = Stopwatch.GetTimestamp();
                LedgerStore.Appended appended;
                try
                {
                    appended = await store.AppendAsync("bench", "product", "main", null, stock =>
                    (new LedgerEntry { Id = Guid.NewGuid().ToString("N"), WarehouseId = "main", Kind = LedgerKind.Receipt, Quantity = 1, Reason = "bench", PostedAt = DateTimeOffset.UtcNow },
                        InventoryRules.Post(stock, LedgerKind.Receipt, 1, false, null)));
                }
                catch (Crm.Domain.Common.BusyException)
                {
                    // The 503 a client would get: counted, and the posting is not made.
                    Interlocked.Increment(ref busy);
                    continue;
                }
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(ms);
                    retries += appended.Retries;
                }
            }
        }));
        watch.Stop();
        latencies.Sort();
        double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(q * latencies.Count) - 1)];
        var balance = (await store.ReadAsync("bench", "product", "main")).Total;
        var sum = 0m;
        long count = 0;
        // The product's total row: its figures beside the sum of all its entries.
        await foreach (var row in store.RecomputeAsync("bench"))
        {
            if (row.Stored.WarehouseId is null)
            {
                sum += row.OnHand;
                count += row.Entries;
            }
        }
        Progress.Say($"ledger: {Entries} entries by {Clients} clients in {watch.Elapsed.TotalSeconds:F1} s = {Entries / watch.Elapsed.TotalSeconds:F0} entries/s; "
            + $"p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms; {retries} retries, {busy} busy (503); balance {balance.OnHand} ({balance.Entries} entries), sum of entries {sum} ({count} rows): "
            + (balance.OnHand == sum && count == latencies.Count ? "equal" : "DIFFERENT"));
    }
}
