using System.Diagnostics;
using System.Net;
using Azure.Data.Tables;
using Crm.Domain.Organisation;
using Crm.Storage;
using Crm.Storage.Events;
using Crm.Storage.Records;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Benchmarks;

/// <summary>How long seeding took, and the rate per slice of 1,000 records as the partition grew.</summary>
internal sealed record SeedResult(string Tenant, int Target, int Records, double Seconds, IReadOnlyList<(int UpTo, double PerSecond)> Slices)
{
    public double RecordsPerSecond => Records / Seconds;
}

/// <summary>Rows of each kind in one tenant's partition of the departments table.</summary>
internal sealed record RowCensus(string Tenant, int Records, IReadOnlyList<(string Kind, int Rows)> Kinds)
{
    public int Total => Kinds.Sum(k => k.Rows);
}

/// <summary>The first page and a page from the middle of one tenant, and what one page costs in storage.</summary>
internal sealed record ListFigures(string Label, int Records, Measurement First, Measurement Deep, string FirstCost, string DeepCost);

internal sealed record ListResults(IReadOnlyList<SeedResult> Seeds, IReadOnlyList<ListFigures> Figures, RowCensus? Census)
{
    public ListFigures? Small => Figures.FirstOrDefault(f => f.Label == "small");
    public ListFigures? Large => Figures.FirstOrDefault(f => f.Label == "large");
}

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
        var figures = new List<ListFigures>();

        var small = await app.NewTenantAsync("small");
        seeds.Add(await SeedAsync(small, options.SmallRecords, "small", TimeSpan.MaxValue));
        var census = await CountRowsAsync(small, seeds[0].Records);
        // The run's first list calls pay for JIT and tiering; without this the small tenant's figures were
        // 2 to 3 times its later ones, which flattered every ratio against them.
        Progress.Say("list warm-up, small");
        await Load.RunAsync("list warm-up", 1, TimeSpan.Zero, TimeSpan.FromSeconds(3), (_, ct) => GetPageAsync(small, 50, null, ct));
        figures.Add(await MeasureAsync(small, "small", seeds[0].Records));

        var large = await app.NewTenantAsync("large");
        seeds.Add(await SeedAsync(large, options.Records, "large", TimeSpan.FromSeconds(options.SeedSeconds)));
        figures.Add(await MeasureAsync(large, "large", seeds[1].Records));

        // The same small tenant, now sharing its table with the large one: shows whether latency follows
        // the tenant's size (it should not) or the table's (an emulator artefact).
        figures.Add(await MeasureAsync(small, "small, with the large tenant in the table", seeds[0].Records));
        return new ListResults(seeds, figures, census);
    }

    /// <summary>
    /// Writes departments with <see cref="RecordStore{T}.CreateAsync"/>, many at a time: the very rows an
    /// API create writes (record, indexes, unique key, audit, outbox), without the HTTP round trip.
    /// The store instance is the app's own type declaration with a silent outbox notifier, so the
    /// dispatcher does not spend the measurement moving 100,000 seeded events into the change feed.
    /// </summary>
    private Task<SeedResult> SeedAsync(BenchTenant tenant, int count, string label, TimeSpan budget)
    {
        var services = app.Services;
        var store = new RecordStore<Department>(services.GetRequiredService<TableServiceClient>(), services.GetRequiredService<StorageOptions>(),
            services.GetRequiredService<RecordStore<Department>>().Type, new SilentNotifier());
        return SeedAsync(options, label, "departments", count, budget, (n, ct) => store.CreateAsync(
            new WriteContext(tenant.Id, tenant.AdminUserId, "127.0.0.1", DateTimeOffset.UtcNow),
            new Department { Name = SampleDepartment.Name(n), ParentId = tenant.OfficeDepartmentId, Description = SampleDepartment.Description, SortOrder = 10 },
            cancellationToken: ct));
    }

    /// <summary>
    /// Runs <paramref name="write"/> for records 1 to <paramref name="count"/>, <see cref="BenchOptions.SeedParallelism"/> at a time,
    /// until the time budget is spent (writes already started finish); the rate per 1,000 shows how it changed as the partition grew.
    /// </summary>
    public static async Task<SeedResult> SeedAsync(BenchOptions options, string label, string what, int count, TimeSpan budget, Func<int, CancellationToken, Task> write)
    {
        var done = 0;
        var slices = new List<(int, double)>();
        var sliceStart = TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        using var progress = new Timer(_ => Progress.Say($"seeding {label}: {Volatile.Read(ref done):N0}/{count:N0} in {watch.Elapsed.TotalSeconds:F0} s"),
            null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));

        IEnumerable<int> Numbers()
        {
            for (var n = 1; n <= count && watch.Elapsed < budget; n++)
            {
                yield return n;
            }
        }

        await Parallel.ForEachAsync(Numbers(), new ParallelOptions { MaxDegreeOfParallelism = options.SeedParallelism }, async (n, ct) =>
        {
            await write(n, ct);
            if (Interlocked.Increment(ref done) is var written && written % 1000 == 0)
            {
                lock (slices)
                {
                    var now = watch.Elapsed;
                    slices.Add((written, 1000 / (now - sliceStart).TotalSeconds));
                    sliceStart = now;
                }
            }
        });
        watch.Stop();
        Progress.Say($"seeded {done:N0} of {count:N0} {what} ({label}) in {watch.Elapsed.TotalSeconds:F1} s");
        return new SeedResult(label, count, done, watch.Elapsed.TotalSeconds, slices);
    }

    private async Task<ListFigures> MeasureAsync(BenchTenant tenant, string label, int seeded)
    {
        var records = seeded + 1; // and the top department
        var size = $"{records:N0} records";
        var warmup = TimeSpan.FromSeconds(options.Warmup);
        var duration = TimeSpan.FromSeconds(options.ListSeconds);
        Progress.Say($"list {FirstPage}, {label}, {size}");
        var first = await app.MeasureAsync($"{FirstPage}, {size}", 1, warmup, duration, (_, ct) => GetPageAsync(tenant, 50, null, ct));
        var firstCost = await app.ProbeAsync(3, () => GetPageAsync(tenant, 50, null, CancellationToken.None));

        var (cursor, depth, walk) = await CursorAtAsync(tenant, records / 2);
        Progress.Say($"list {DeepPage}, {label}: after {depth:N0} records, cursor reached in {walk.TotalSeconds:F1} s");
        var deep = await app.MeasureAsync($"{DeepPage} (from #{depth + 1:N0}), {size}", 1, warmup, duration, (_, ct) => GetPageAsync(tenant, 50, cursor, ct));
        var deepCost = await app.ProbeAsync(3, () => GetPageAsync(tenant, 50, cursor, CancellationToken.None));
        return new ListFigures(label, records, first, deep, firstCost, deepCost);
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
        var next = page.TryGetProperty("nextCursor", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String ? n.GetString() : null;
        if (items != limit && next is not null)
        {
            throw new InvalidOperationException($"Asked for {limit} records, got {items} and a next page.");
        }
        return (items, next);
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

    /// <summary>Keeps the dispatcher from moving every seeded event into the change feed during a measurement.</summary>
    internal sealed class SilentNotifier : IOutboxNotifier
    {
        public void Notify(string tenantId)
        {
        }
    }
}
