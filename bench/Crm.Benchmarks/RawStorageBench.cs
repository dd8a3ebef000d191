using System.Collections.Concurrent;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Domain.Organisation;

namespace Crm.Benchmarks;

/// <summary>
/// The floor: single-entity insert and point read with the Azure SDK's <see cref="TableClient"/>,
/// one partition (as one tenant), an entity shaped and sized like a department's record row.
/// </summary>
internal sealed class RawStorageBench(BenchOptions options, string tableName)
{
    /// <summary>Characters of department JSON in each entity's <c>D</c> property.</summary>
    public static int JsonChars { get; } = Row("p").GetString("D").Length;

    public async Task<IReadOnlyList<Measurement>> RunAsync()
    {
        var table = new TableServiceClient(options.Storage).GetTableClient(tableName);
        await table.CreateIfNotExistsAsync();
        var partition = Ids.New();
        var egtPartition = Ids.New();
        var keys = new ConcurrentBag<string>();
        var warmup = TimeSpan.FromSeconds(options.Warmup);
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var results = new List<Measurement>();

        foreach (var clients in new[] { 1, options.Clients })
        {
            Progress.Say($"raw insert, {clients} client(s)");
            results.Add(await Load.RunAsync("Raw SDK insert", clients, warmup, duration, async (_, ct) =>
            {
                var entity = Row(partition);
                await table.AddEntityAsync(entity, ct);
                keys.Add(entity.RowKey);
            }));
        }
        foreach (var clients in new[] { 1, options.Clients })
        {
            Progress.Say($"raw 10-row EGT, {clients} client(s)");
            // A partition of their own, so that the point reads below see only the single inserts' rows.
            results.Add(await Load.RunAsync("Raw SDK EGT of 10 rows", clients, warmup, duration, (_, ct) =>
                table.SubmitTransactionAsync(CreateShaped(egtPartition), ct)));
        }
        var readable = keys.ToArray();
        foreach (var clients in new[] { 1, options.Clients })
        {
            Progress.Say($"raw point read, {clients} client(s)");
            var read = await Load.RunAsync("Raw SDK point read", clients, warmup, duration, async (_, ct) =>
                await table.GetEntityAsync<TableEntity>(partition, readable[Random.Shared.Next(readable.Length)], cancellationToken: ct));
            results.Add(read with { Note = $"random rows of a partition of {readable.Length:N0} rows" });
        }
        return results;
    }

    /// <summary>
    /// One entity group transaction shaped like the engine's create: the record row, five index rows
    /// carrying the record JSON, a unique-key row, two audit rows and an outbox row.
    /// </summary>
    private static List<TableTransactionAction> CreateShaped(string partition)
    {
        var record = Row(partition);
        var id = record.RowKey[2..];
        var json = record.GetString("D");
        var inverted = (DateTime.MaxValue.Ticks - DateTime.UtcNow.Ticks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        TableEntity Projection(string key) => new(partition, key) { ["Id"] = id, ["D"] = json };
        TableEntity Audit(string key) => new(partition, key) { ["D"] = json, ["ActorId"] = id, ["RecordId"] = id };
        TableEntity[] rows =
        [
            record,
            Projection($"i~m~{inverted}~{id}"), Projection($"i~c~{inverted}~{id}"), Projection($"i~n~bench~{id}"),
            Projection($"i~f~parentId~{id}~{inverted}~{id}"), Projection($"i~q~bench~{id}"),
            new(partition, $"k~name~{id}") { ["Id"] = id },
            Audit($"a~{inverted}~{id}"), Audit($"h~{id}~{inverted}~{id}"),
            new(partition, $"o~{id}") { ["D"] = json },
        ];
        return rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)).ToList();
    }

    /// <summary>The properties a department's <c>r~</c> row has: its JSON, its display name and the deleted flag.</summary>
    private static TableEntity Row(string partition)
    {
        var now = DateTimeOffset.UtcNow;
        var department = SampleDepartment.Create(Ids.New(now), Ids.New(now), Ids.New(now), now);
        return new TableEntity(partition, "r~" + department.Id)
        {
            ["D"] = CrmJson.Serialize(department),
            ["Name"] = department.Name,
            ["Deleted"] = false,
        };
    }
}

/// <summary>The department every benchmark writes: the same name and description lengths everywhere.</summary>
internal static class SampleDepartment
{
    public const string Description = "Benchmark department: regional sales team responsible for key accounts and renewals in the region.";

    public static string Name(long n) => $"Bench department {n:D8}";

    public static Department Create(string id, string parentId, string actorId, DateTimeOffset now) => new()
    {
        Id = id,
        Name = Name(Random.Shared.NextInt64(100_000_000)),
        ParentId = parentId,
        Description = Description,
        SortOrder = 10,
        CreatedAt = now,
        CreatedBy = actorId,
        UpdatedAt = now,
        UpdatedBy = actorId,
        Version = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8]),
    };
}
