using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;

namespace Crm.Storage.Events;

/// <summary>An event and its number in the tenant's feed.</summary>
public sealed record FeedEntry(long Seq, ChangeEvent Event);

/// <summary>
/// The tenant's change feed (ADR 0002): events numbered by a per-tenant sequence at publication,
/// so a reader that continues "after" an event never misses one published later with an older id.
/// Rows: <c>seq</c> (the counter), <c>f~{seq}</c> (the event), <c>x~{eventId}</c> (its number,
/// which also makes publication idempotent).
/// </summary>
public sealed class EventFeed(TableServiceClient service, StorageOptions options, TimeProvider clock)
{
    private const string CounterKey = "seq";

    /// <summary>Two rows per event plus the counter must fit one transaction.</summary>
    public const int MaxBatch = 49;

    public TableClient Table { get; } = service.GetTableClient(options.Table("events"));

    /// <summary>
    /// Appends events not yet published; returns the ids that are now in the feed (including those
    /// that already were, so the caller can clear them from its outbox). Concurrent publishers
    /// race on the counter's ETag; the loser retries.
    /// </summary>
    public async Task<IReadOnlyList<string>> PublishAsync(string tenantId, IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(events), $"At most {MaxBatch} events per call.");
        }
        for (var attempt = 0; ; attempt++)
        {
            // First assume none is published yet (the usual case): if one is, its x~ row makes the
            // transaction fail with 409, and the retry reads which ones already are.
            var fresh = attempt == 0
                ? events.ToList()
                : await UnpublishedAsync(tenantId, events, cancellationToken).ConfigureAwait(false);
            if (fresh.Count == 0)
            {
                return events.Select(e => e.Id).ToList();
            }
            var counter = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, CounterKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var next = counter.HasValue ? counter.Value!.GetInt64("Value") ?? 0 : 0;
            var actions = new List<TableTransactionAction>();
            var newCounter = new TableEntity(tenantId, CounterKey) { ["Value"] = next + fresh.Count };
            actions.Add(counter.HasValue
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, newCounter, counter.Value!.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, newCounter));
            foreach (var e in fresh.OrderBy(e => e.Id, StringComparer.Ordinal))
            {
                next++;
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(tenantId, FeedKey(next))
                {
                    ["D"] = CrmJson.Serialize(e),
                    ["EventId"] = e.Id,
                    ["Type"] = e.Type,
                    ["Time"] = e.Time,
                }));
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(tenantId, "x~" + e.Id) { ["Seq"] = next }));
            }
            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return events.Select(e => e.Id).ToList();
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 20)
            {
                await Task.Delay(Random.Shared.Next(5, 50), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The events without a number yet: one range read over their <c>x~</c> rows (ids are
    /// time-ordered, so the range is short) instead of a point read per event.
    /// </summary>
    private async Task<List<ChangeEvent>> UnpublishedAsync(string tenantId, IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken)
    {
        var wanted = events.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var first = "x~" + wanted.Min(StringComparer.Ordinal);
        var last = "x~" + wanted.Max(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {first} and RowKey le {last}");
        var found = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, 1000, ["RowKey"], cancellationToken).ConfigureAwait(false))
        {
            var id = row.RowKey[2..];
            if (wanted.Contains(id))
            {
                found.Add(id);
            }
        }
        return events.Where(e => !found.Contains(e.Id)).ToList();
    }

    /// <summary>Events after <paramref name="afterEventId"/> in publication order, optionally of some types.</summary>
    public async Task<(IReadOnlyList<ChangeEvent> Items, string? LastEventId)> ReadAsync(
        string tenantId, string? afterEventId, IReadOnlySet<string>? types, int limit, Func<ChangeEvent, bool>? visible, CancellationToken cancellationToken)
    {
        long after = 0;
        if (afterEventId is not null)
        {
            // A key with '/', '#' or control characters is not even a valid table key: storage would fail, not miss.
            if (!Ids.IsWellFormed(afterEventId))
            {
                throw new ValidationException("after", "Not an event id: pass the id of an event, or the nextCursor of a page.", "events.unknown_event");
            }
            var known = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, "x~" + afterEventId, cancellationToken: cancellationToken).ConfigureAwait(false);
            after = known.HasValue
                ? known.Value!.GetInt64("Seq") ?? 0
                : throw new ValidationException("after", "No event with this id is in the change feed (it may be older than the retention period).", "events.unknown_event");
        }
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {FeedKey(after)} and RowKey lt {"f~~"}");
        var items = new List<ChangeEvent>();
        var last = afterEventId;
        var scanned = 0;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, Math.Min(1000, limit * 4), ["D", "Type", "EventId"], cancellationToken).ConfigureAwait(false))
        {
            scanned++;
            last = row.GetString("EventId");
            if (types is null || types.Contains(row.GetString("Type")))
            {
                var e = CrmJson.Deserialize<ChangeEvent>(row.GetString("D"));
                if (visible?.Invoke(e) ?? true)
                {
                    items.Add(e);
                }
            }
            if (items.Count >= limit || scanned >= 2000)
            {
                break;
            }
        }
        return (items, last);
    }

    /// <summary>The number of the last event published (0 before the first): where a new reader of the whole feed starts.</summary>
    public async Task<long> HeadAsync(string tenantId, CancellationToken cancellationToken)
    {
        var counter = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, CounterKey, ["Value"], cancellationToken).ConfigureAwait(false);
        return counter.HasValue ? counter.Value!.GetInt64("Value") ?? 0 : 0;
    }

    /// <summary>
    /// Events after number <paramref name="afterSeq"/> with their numbers, in publication order: for readers inside
    /// the service (webhook fan-out) that keep their place by number and address events by it.
    /// </summary>
    public async Task<IReadOnlyList<FeedEntry>> ReadNumberedAsync(string tenantId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {FeedKey(afterSeq)} and RowKey lt {"f~~"}");
        var items = new List<FeedEntry>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, Math.Min(1000, limit), ["RowKey", "D"], cancellationToken).ConfigureAwait(false))
        {
            items.Add(new FeedEntry(long.Parse(row.RowKey.AsSpan(2), CultureInfo.InvariantCulture), CrmJson.Deserialize<ChangeEvent>(row.GetString("D"))));
            if (items.Count >= limit)
            {
                break;
            }
        }
        return items;
    }

    /// <summary>Event number <paramref name="seq"/>, or null once the retention has trimmed it.</summary>
    public async Task<ChangeEvent?> FindAsync(string tenantId, long seq, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, FeedKey(seq), ["D"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? CrmJson.Deserialize<ChangeEvent>(row.Value!.GetString("D")) : null;
    }

    /// <summary>Drops events older than the retention from the head of the feed (oldest first).</summary>
    public async Task<int> TrimAsync(string tenantId, TimeSpan retention, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - retention;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {"f~"} and RowKey lt {"f~~"}");
        var batch = new List<TableTransactionAction>();
        var removed = 0;
        // The row key is selected too: a $select returns only the properties named, and the row is deleted by it.
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, 500, ["RowKey", "EventId", "Time"], cancellationToken).ConfigureAwait(false))
        {
            if (row.GetDateTimeOffset("Time") >= cutoff)
            {
                break;
            }
            batch.Add(new(TableTransactionActionType.Delete, new TableEntity(tenantId, row.RowKey), ETag.All));
            batch.Add(new(TableTransactionActionType.Delete, new TableEntity(tenantId, "x~" + row.GetString("EventId")), ETag.All));
            removed++;
            if (batch.Count >= 98)
            {
                await Table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            await Table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        return removed;
    }

    private static string FeedKey(long seq) => "f~" + seq.ToString("D19", CultureInfo.InvariantCulture);
}
