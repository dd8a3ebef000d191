using System.Diagnostics;
using System.Net;
using Azure.Data.Tables;
using Crm.Domain.Organisation;
using Crm.Storage;
using Crm.Storage.Events;
using Crm.Storage.Records;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Benchmarks;

internal sealed record SeedResult(string Tenant, int Records, double Seconds)
{
    public double RecordsPerSecond => Records / Seconds;
}

/// <summary>Rows of each kind in one tenant's partition of the departments table.</summary>
internal sealed record RowCensus(string Tenant, int Records, IReadOnlyList<(string Kind, int Rows)> Kinds)
{
    public int Total => Kinds.Sum(k => k.Rows);
}

internal sealed record ListResults(IReadOnlyList<SeedResult> Seeds, IReadOnlyList<Measurement> Lists, RowCensus? Census);

/// <summary>
/// List-page latency (<c>GET /api/v1/departments?limit=50</c>, the first page and a page in the middle
/// of the tenant reached by cursor) for a small and a large tenant, both seeded through the engine.
/// </summary>
internal sealed class ListBench(BenchOptions options, BenchApp app)
{
    public const string FirstPage = "first page";
    public const string DeepPage = "deep page";

    public async Task<ListResults> RunAsync()
    {
        var seeds = new List<SeedResult>();
        var lists = new List<Measurement>();

        var small = await app.NewTenantAsync("small");
        seeds.Add(await SeedAsync(small, options.SmallRecords, "small"));
        var census = await CountRowsAsync(small, options.SmallRecords);
        lists.AddRange(await MeasureAsync(small, options.SmallRecords, ""));

        var large = await app.NewTenantAsync("large");
        seeds.Add(await SeedAsync(large, options.Records, "large"));
        lists.AddRange(await MeasureAsync(large, options.Records, ""));

        // Same small tenant, now sharing its table with the large one: shows whether latency follows
        // the tenant's size (it should not) or the table's (an emulator artefact).
        lists.AddRange(await MeasureAsync(small, options.SmallRecords, ", large tenant in table"));
        return new ListResults(seeds, lists, census);
    }

    /// <summary>
    /// Writes departments with <see cref="RecordStore{T}.CreateAsync"/>, many at a time: the very rows an
    /// API create writes (record, indexes, unique key, audit, outbox), without the HTTP round trip.
    /// The store instance is the app's own type declaration with a silent outbox notifier, so the
    /// dispatcher does not spend the measurement moving 100,000 seeded events into the change feed.
    /// </summary>
    private async Task<SeedResult> SeedAsync(BenchTenant tenant, int count, string label)
    {
        var services = app.Services;
        var store = new RecordStore<Department>(services.GetRequiredService<TableServiceClient>(), services.GetRequiredService<StorageOptions>(),
            services.GetRequiredService<RecordStore<Department>>().Type, new SilentNotifier());
        var done = 0;
        var watch = Stopwatch.StartNew();
        using var progress = new Timer(_ => Progress.Say($"seeding {label}: {Volatile.Read(ref done):N0}/{count:N0} in {watch.Elapsed.TotalSeconds:F0} s"),
            null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = options.SeedParallelism }, async (n, ct) =>
        {
            var context = new WriteContext(tenant.Id, tenant.AdminUserId, "127.0.0.1", DateTimeOffset.UtcNow);
            await store.CreateAsync(context, new Department
            {
                Name = SampleDepartment.Name(n),
                ParentId = tenant.OfficeDepartmentId,
                Description = SampleDepartment.Description,
                SortOrder = 10,
            }, cancellationToken: ct);
            Interlocked.Increment(ref done);
        });
        watch.Stop();
        Progress.Say($"seeded {count:N0} departments ({label}) in {watch.Elapsed.TotalSeconds:F1} s");
        return new SeedResult(label, count, watch.Elapsed.TotalSeconds);
    }

    private async Task<IReadOnlyList<Measurement>> MeasureAsync(BenchTenant tenant, int records, string note)
    {
        var size = $"{records:N0} records{note}";
        var warmup = TimeSpan.FromSeconds(Math.Min(1, options.Warmup));
        var duration = TimeSpan.FromSeconds(options.ListSeconds);
        Progress.Say($"list {FirstPage}, {size}");
        var first = await Load.RunAsync($"{FirstPage}, {size}", 1, warmup, duration, (_, ct) => GetPageAsync(tenant, 50, null, ct));

        var (cursor, depth, walk) = await CursorAtAsync(tenant, records / 2);
        Progress.Say($"list {DeepPage} (after {depth:N0} records, cursor reached in {walk.TotalSeconds:F1} s), {size}");
        var deep = await Load.RunAsync($"{DeepPage} (#{depth + 1:N0}), {size}", 1, warmup, duration, (_, ct) => GetPageAsync(tenant, 50, cursor, ct));
        return [first, deep];
    }

    /// <summary>Walks the list by cursor, 200 at a time, to the page that starts after <paramref name="depth"/> records.</summary>
    private async Task<(string? Cursor, int Depth, TimeSpan Took)> CursorAtAsync(BenchTenant tenant, int depth)
    {
        var watch = Stopwatch.StartNew();
        string? cursor = null;
        var read = 0;
        while (read < depth)
        {
            var (count, next) = await GetPageAsync(tenant, Math.Min(200, depth - read), cursor, CancellationToken.None);
            if (next is null)
            {
                break;
            }
            read += count;
            cursor = next;
        }
        return (cursor, read, watch.Elapsed);
    }

    private async Task<(int Count, string? Next)> GetPageAsync(BenchTenant tenant, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var path = $"/api/v1/departments?limit={limit}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
        using var request = tenant.Request(HttpMethod.Get, path);
        using var response = await app.Http.SendAsync(request, cancellationToken);
        var page = await BenchApp.Expect(response, HttpStatusCode.OK);
        var items = page.GetProperty("items").GetArrayLength();
        if (items != limit)
        {
            throw new InvalidOperationException($"Asked for {limit} records, got {items}.");
        }
        return (items, page.TryGetProperty("nextCursor", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null);
    }

    /// <summary>Counts the rows of each kind in the tenant's partition: what the writes cost in rows.</summary>
    private async Task<RowCensus> CountRowsAsync(BenchTenant tenant, int seeded)
    {
        var table = app.Services.GetRequiredService<RecordStore<Department>>().Table;
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant.Id}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, 1000, ["RowKey"]))
        {
            var key = row.RowKey;
            var kind = key.StartsWith("i~f~", StringComparison.Ordinal) ? key[..key.IndexOf('~', 4)] + "~"
                : key.StartsWith("i~", StringComparison.Ordinal) ? key[..4]
                : key.StartsWith("k~", StringComparison.Ordinal) ? key[..(key.IndexOf('~', 2) + 1)]
                : key[..2];
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }
        // The provisioning wrote the top department besides the seeded ones.
        return new RowCensus(tenant.Id, seeded + 1, kinds.Select(k => (k.Key, k.Value)).ToList());
    }

    private sealed class SilentNotifier : IOutboxNotifier
    {
        public void Notify(string tenantId)
        {
        }
    }
}
