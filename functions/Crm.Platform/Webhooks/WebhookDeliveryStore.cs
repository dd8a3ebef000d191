using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Storage;
using Crm.Storage.Events;

namespace Crm.Platform.Webhooks;

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string DeadLettered = "deadLettered";

    /// <summary>Not sent: the subscription's maker may not see the event (data scope), or can no longer receive anything.</summary>
    public const string Skipped = "skipped";
}

/// <summary>One entry of a subscription's delivery log.</summary>
public sealed record WebhookDelivery
{
    /// <summary>The event's number in the tenant's change feed: deliveries of a subscription are made in this order.</summary>
    public string Id { get; init; } = "";

    /// <summary>The <c>webhook-id</c> sent, the same on every attempt and redelivery (the event's id).</summary>
    public string WebhookId { get; init; } = "";
    public string EventType { get; init; } = "";
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FirstAttemptAt { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public int? ResponseCode { get; init; }
    public long? DurationMs { get; init; }
    public string? Error { get; init; }

    /// <summary>Every attempt (the last 20), on the single delivery's answer.</summary>
    public IReadOnlyList<DeliveryAttempt>? History { get; init; }

    /// <summary>What was sent, kept for <see cref="WebhookOptions.BodyRetention"/>; on the single delivery's answer.</summary>
    public string? Body { get; init; }
}

public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDelivery> Items, string? NextCursor);

/// <summary>
/// The webhooks table. Per subscription, partition <c>{tenantId}~{subscriptionId}</c>: <c>d~{seq}</c> a delivery (the
/// event numbered <c>seq</c> in the feed), <c>p~{seq}</c> beside each one still to be attempted with its next attempt
/// time (what a pump reads: never the delivered ones), and <c>state</c> (the pump's lease and the subscription's
/// health). Per tenant, <c>cursor</c>: how far the fan-out has read the feed. Partition <c>due</c>: one row per
/// subscription with deliveries to attempt, and when a pump message is scheduled for it, which the sweep reads.
/// </summary>
public sealed class WebhookDeliveryStore(TableServiceClient service, StorageOptions options)
{
    public const string TableName = "webhooks";
    private const string DuePartition = "due";
    private const int MaxHistory = 20;

    public TableClient Table { get; } = service.GetTableClient(options.Table(TableName));

    public static string Partition(string tenantId, string subscriptionId) => $"{tenantId}~{subscriptionId}";

    /// <summary>Newest first (the number inverted): the log is read to see what happened lately, in one range read.</summary>
    public static string DeliveryKey(long seq) => "d~" + (long.MaxValue - seq).ToString("D19", CultureInfo.InvariantCulture);

    public static long SeqOf(TableEntity delivery) => long.MaxValue - long.Parse(delivery.RowKey.AsSpan(2), CultureInfo.InvariantCulture);

    private static string PendingKey(long seq) => "p~" + seq.ToString("D19", CultureInfo.InvariantCulture);

    // The fan-out's place in the feed.

    public async Task<(long Seq, ETag? ETag)> CursorAsync(string tenantId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, "cursor", cancellationToken: cancellationToken);
        return row.HasValue ? (row.Value!.GetInt64("Seq") ?? 0, row.Value.ETag) : (0, null);
    }

    /// <summary>Moves the cursor forward to <paramref name="seq"/> (never back: another replica's fan-out may be ahead).</summary>
    public async Task<(long Seq, ETag? ETag)> AdvanceCursorAsync(string tenantId, (long Seq, ETag? ETag) cursor, long seq, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (seq <= cursor.Seq)
            {
                return cursor;
            }
            var row = new TableEntity(tenantId, "cursor") { ["Seq"] = seq };
            try
            {
                var response = cursor.ETag is { } etag
                    ? await Table.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken)
                    : await Table.AddEntityAsync(row, cancellationToken);
                return (seq, response.Headers.ETag);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                cursor = await CursorAsync(tenantId, cancellationToken);
            }
        }
    }

    // Deliveries.

    /// <summary>
    /// Deliveries of these events to the subscription, to attempt now. A delivery that exists already (another
    /// fan-out wrote it, or this one before a crash) is left as it is: each event is delivered once per subscription.
    /// </summary>
    public async Task AddAsync(string tenantId, string subscriptionId, IReadOnlyList<FeedEntry> entries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var partition = Partition(tenantId, subscriptionId);
        foreach (var chunk in entries.Chunk(49))
        {
            var pairs = chunk.Select(e => NewDelivery(partition, e, now)).ToList();
            try
            {
                await Table.SubmitTransactionAsync(pairs.SelectMany(p => p), cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                foreach (var pair in pairs)
                {
                    try
                    {
                        await Table.SubmitTransactionAsync(pair, cancellationToken);
                    }
                    catch (TableTransactionFailedException exists) when (exists.Status == 409)
                    {
                    }
                }
            }
        }
    }

    private static TableTransactionAction[] NewDelivery(string partition, FeedEntry entry, DateTimeOffset now) =>
    [
        new(TableTransactionActionType.Add, new TableEntity(partition, DeliveryKey(entry.Seq))
        {
            ["EventId"] = entry.Event.Id,
            ["EventType"] = entry.Event.Type,
            ["Status"] = DeliveryStatus.Pending,
            ["Attempts"] = 0,
            ["CreatedAt"] = now,
            ["NextAttemptAt"] = now,
        }),
        new(TableTransactionActionType.Add, new TableEntity(partition, PendingKey(entry.Seq)) { ["NextAttemptAt"] = now }),
    ];

    /// <summary>The subscription's deliveries still to attempt, in feed order, with their next attempt times.</summary>
    public async Task<IReadOnlyList<(long Seq, DateTimeOffset NextAttemptAt)>> PendingAsync(string tenantId, string subscriptionId, int limit, CancellationToken cancellationToken)
    {
        var partition = Partition(tenantId, subscriptionId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"p~"} and RowKey lt {"p~~"}");
        var pending = new List<(long, DateTimeOffset)>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, Math.Min(1000, limit), ["RowKey", "NextAttemptAt"], cancellationToken))
        {
            pending.Add((long.Parse(row.RowKey.AsSpan(2), CultureInfo.InvariantCulture), row.GetDateTimeOffset("NextAttemptAt") ?? DateTimeOffset.MinValue));
            if (pending.Count >= limit)
            {
                break;
            }
        }
        return pending;
    }

    public async Task<TableEntity?> FindAsync(string tenantId, string subscriptionId, long seq, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition(tenantId, subscriptionId), DeliveryKey(seq), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Removes a pending marker left without a pending delivery beside it, so no pump keeps finding it.</summary>
    public async Task DropPendingAsync(string tenantId, string subscriptionId, long seq, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(Partition(tenantId, subscriptionId), PendingKey(seq), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>The deliveries numbered from <paramref name="first"/> to <paramref name="last"/>, in one range read.</summary>
    public async Task<IReadOnlyDictionary<long, TableEntity>> FindRangeAsync(string tenantId, string subscriptionId, long first, long last, CancellationToken cancellationToken)
    {
        var partition = Partition(tenantId, subscriptionId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {DeliveryKey(last)} and RowKey le {DeliveryKey(first)}");
        var rows = new Dictionary<long, TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            rows[SeqOf(row)] = row;
        }
        return rows;
    }

    /// <summary>
    /// Writes an attempt's result: the delivery row (by its ETag: a redelivery asked meanwhile wins) and its pending
    /// marker, which stays with the next attempt's time while the delivery is pending and goes when it is settled.
    /// False when the row changed meanwhile.
    /// </summary>
    public async Task<bool> SaveAsync(TableEntity delivery, CancellationToken cancellationToken)
    {
        var pendingKey = PendingKey(SeqOf(delivery));
        var settled = delivery.GetString("Status") != DeliveryStatus.Pending;
        TableTransactionAction marker = settled
            ? new(TableTransactionActionType.Delete, new TableEntity(delivery.PartitionKey, pendingKey), ETag.All)
            : new(TableTransactionActionType.UpsertReplace, new TableEntity(delivery.PartitionKey, pendingKey) { ["NextAttemptAt"] = delivery.GetDateTimeOffset("NextAttemptAt") });
        try
        {
            await Table.SubmitTransactionAsync([new(TableTransactionActionType.UpdateReplace, delivery, delivery.ETag), marker], cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 412)
        {
            return false;
        }
        catch (TableTransactionFailedException e) when (e.Status == 404 && settled)
        {
            // The marker was already gone (a crash after an earlier save): the row alone.
            try
            {
                await Table.UpdateEntityAsync(delivery, delivery.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException stale) when (stale.Status is 404 or 412)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Writes the results of several attempts of one subscription in one transaction (rows and markers of one
    /// partition); if one of them changed meanwhile, each is written on its own so the others still land.
    /// </summary>
    public async Task SaveManyAsync(IReadOnlyList<TableEntity> results, CancellationToken cancellationToken)
    {
        if (results.Count == 0)
        {
            return;
        }
        var actions = new List<TableTransactionAction>();
        foreach (var delivery in results)
        {
            var pendingKey = PendingKey(SeqOf(delivery));
            actions.Add(new(TableTransactionActionType.UpdateReplace, delivery, delivery.ETag));
            actions.Add(delivery.GetString("Status") != DeliveryStatus.Pending
                ? new(TableTransactionActionType.Delete, new TableEntity(delivery.PartitionKey, pendingKey), ETag.All)
                : new(TableTransactionActionType.UpsertReplace, new TableEntity(delivery.PartitionKey, pendingKey) { ["NextAttemptAt"] = delivery.GetDateTimeOffset("NextAttemptAt") }));
        }
        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            foreach (var delivery in results)
            {
                await SaveAsync(delivery, cancellationToken);
            }
        }
    }

    /// <summary>Records one attempt on the delivery row (not yet saved).</summary>
    public static void RecordAttempt(TableEntity delivery, DeliveryAttempt attempt, string status, DateTimeOffset? nextAttemptAt, string? body)
    {
        delivery["Status"] = status;
        delivery["Attempts"] = (delivery.GetInt32("Attempts") ?? 0) + 1;
        delivery["FirstAttemptAt"] = delivery.GetDateTimeOffset("FirstAttemptAt") ?? attempt.At;
        delivery["LastAttemptAt"] = attempt.At;
        delivery["NextAttemptAt"] = nextAttemptAt;
        delivery["ResponseCode"] = attempt.ResponseCode;
        delivery["DurationMs"] = attempt.DurationMs;
        delivery["Error"] = attempt.Error;
        var history = History(delivery).Append(attempt).TakeLast(MaxHistory).ToList();
        delivery["History"] = CrmJson.Serialize(history);
        if (body is not null && ChunkedText.Read(delivery, "Body") is null)
        {
            ChunkedText.Write(delivery, "Body", body);
            delivery["BodyAt"] = attempt.At;
        }
    }

    /// <summary>Settles a delivery without an attempt (skipped, or its event gone from the feed).</summary>
    public static void Settle(TableEntity delivery, string status, string error, DateTimeOffset now)
    {
        delivery["Status"] = status;
        delivery["Error"] = error;
        delivery["NextAttemptAt"] = null;
        delivery["LastAttemptAt"] = now;
    }

    /// <summary>Makes a settled delivery pending again, due now, with a fresh retry window; same webhook-id.</summary>
    public static void Reopen(TableEntity delivery, DateTimeOffset now)
    {
        delivery["Status"] = DeliveryStatus.Pending;
        delivery["NextAttemptAt"] = now;
        delivery["FirstAttemptAt"] = null;
    }

    public async Task<WebhookDeliveryPage> ListAsync(string tenantId, string subscriptionId, string? status, long? cursor, int limit, CancellationToken cancellationToken)
    {
        var partition = Partition(tenantId, subscriptionId);
        var lower = cursor is null ? "d~" : DeliveryKey(cursor.Value);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {lower} and RowKey lt {"d~~"}");
        if (status is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        }
        var page = new List<TableEntity>();
        // Bodies are not listed: the page stays small whatever was sent.
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, limit + 1, ListColumns, cancellationToken))
        {
            page.Add(row);
            if (page.Count > limit)
            {
                break;
            }
        }
        var next = page.Count > limit ? SeqOf(page[limit - 1]).ToString(CultureInfo.InvariantCulture) : null;
        return new WebhookDeliveryPage([.. page.Take(limit).Select(r => View(r, detail: false))], next);
    }

    /// <summary>Settled deliveries made since a time that did not get through, to send again.</summary>
    public async Task<IReadOnlyList<TableEntity>> FailedSinceAsync(string tenantId, string subscriptionId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var partition = Partition(tenantId, subscriptionId);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {"d~"} and RowKey lt {"d~~"} and CreatedAt ge {since} and (Status eq {DeliveryStatus.Failed} or Status eq {DeliveryStatus.DeadLettered})");
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }
        return rows;
    }

    private static readonly string[] ListColumns =
        ["PartitionKey", "RowKey", "EventId", "EventType", "Status", "Attempts", "CreatedAt", "FirstAttemptAt", "LastAttemptAt", "NextAttemptAt", "ResponseCode", "DurationMs", "Error"];

    public static WebhookDelivery View(TableEntity row, bool detail) => new()
    {
        Id = SeqOf(row).ToString(CultureInfo.InvariantCulture),
        WebhookId = row.GetString("EventId") ?? "",
        EventType = row.GetString("EventType") ?? "",
        Status = row.GetString("Status") ?? "",
        Attempts = row.GetInt32("Attempts") ?? 0,
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? default,
        FirstAttemptAt = row.GetDateTimeOffset("FirstAttemptAt"),
        LastAttemptAt = row.GetDateTimeOffset("LastAttemptAt"),
        NextAttemptAt = row.GetDateTimeOffset("NextAttemptAt"),
        ResponseCode = row.GetInt32("ResponseCode"),
        DurationMs = row.GetInt64("DurationMs"),
        Error = row.GetString("Error"),
        History = detail ? History(row) : null,
        Body = detail ? ChunkedText.Read(row, "Body") : null,
    };

    private static IReadOnlyList<DeliveryAttempt> History(TableEntity row) =>
        row.GetString("History") is { } json ? CrmJson.Deserialize<List<DeliveryAttempt>>(json) : [];

    // The pump's lease and the subscription's health.

    /// <summary>The state row leased to <paramref name="owner"/> until <paramref name="until"/>, or null while another pump holds it.</summary>
    public async Task<TableEntity?> TryLeaseAsync(string tenantId, string subscriptionId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var partition = Partition(tenantId, subscriptionId);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(partition, "state", cancellationToken: cancellationToken);
        var row = found.HasValue ? found.Value! : new TableEntity(partition, "state");
        if (found.HasValue && row.GetString("LeaseOwner") is { } holder && holder != owner && row.GetDateTimeOffset("LeaseUntil") > now)
        {
            return null;
        }
        row["LeaseOwner"] = owner;
        row["LeaseUntil"] = until;
        return await SaveStateAsync(row, cancellationToken);
    }

    /// <summary>Writes the state row by its ETag; null when another pump took it meanwhile.</summary>
    public async Task<TableEntity?> SaveStateAsync(TableEntity state, CancellationToken cancellationToken)
    {
        try
        {
            var response = state.ETag == default
                ? await Table.AddEntityAsync(state, cancellationToken)
                : await Table.UpdateEntityAsync(state, state.ETag, TableUpdateMode.Replace, cancellationToken);
            state.ETag = response.Headers.ETag ?? default;
            return state;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return null;
        }
    }

    // Which subscriptions have deliveries to attempt, and when a pump message is scheduled for them.

    public async Task<TableEntity?> DueAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(DuePartition, Partition(tenantId, subscriptionId), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    public static TableEntity NewDue(string tenantId, string subscriptionId) => new(DuePartition, Partition(tenantId, subscriptionId));

    /// <summary>Writes (or with a null schedule and no deliveries left, removes) the due row by its ETag; false on a race.</summary>
    public async Task<bool> SaveDueAsync(TableEntity due, bool remove, CancellationToken cancellationToken)
    {
        try
        {
            if (remove)
            {
                if (due.ETag != default)
                {
                    await Table.DeleteEntityAsync(due.PartitionKey, due.RowKey, due.ETag, cancellationToken);
                }
            }
            else if (due.ETag == default)
            {
                await Table.AddEntityAsync(due, cancellationToken);
            }
            else
            {
                await Table.UpdateEntityAsync(due, due.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Every due row: the sweep re-sends a pump for those whose message is overdue (lost to a crash).</summary>
    public IAsyncEnumerable<TableEntity> AllDueAsync(CancellationToken cancellationToken) =>
        Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {DuePartition}"), 1000, cancellationToken: cancellationToken);

    /// <summary>Drops bodies older than <paramref name="bodiesBefore"/> and entries older than <paramref name="entriesBefore"/>.</summary>
    public async Task<int> TrimAsync(string tenantId, string subscriptionId, DateTimeOffset bodiesBefore, DateTimeOffset entriesBefore, CancellationToken cancellationToken)
    {
        var partition = Partition(tenantId, subscriptionId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"d~"} and RowKey lt {"d~~"} and CreatedAt lt {bodiesBefore}");
        var trimmed = 0;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            try
            {
                if (row.GetDateTimeOffset("CreatedAt") < entriesBefore && row.GetString("Status") != DeliveryStatus.Pending)
                {
                    await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                }
                else if (row.ContainsKey("Body"))
                {
                    foreach (var key in row.Keys.Where(k => k.StartsWith("Body", StringComparison.Ordinal)).ToList())
                    {
                        row.Remove(key);
                    }
                    await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    continue;
                }
                trimmed++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Attempted or redelivered meanwhile: the next run trims it.
            }
        }
        return trimmed;
    }
}
