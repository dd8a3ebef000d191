using Azure;
using Azure.Data.Tables;
using Crm.Domain.Approvals;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Storage.Approvals;

/// <summary>
/// The approvals, one partition per tenant. Rows: <c>i~{id}</c> the instance (its ETag is its version, so of two
/// decisions at once exactly one is written), <c>d~{type}~{documentId}~{id}</c> a document's approvals, <c>o~{id}</c> an
/// approval whose orchestration is not known to be started yet (what the sweep finishes), and <c>w~{userId}~{id}</c>
/// the inbox: who may decide now. The inbox rows follow the instance (written after it, and again by every
/// orchestration step), so the instance is the truth and a row it no longer names is ignored and removed.
/// </summary>
public sealed class ApprovalStore(TableServiceClient service, StorageOptions options)
{
    public const string TableName = "approvals";
    private const string InstancePrefix = "i~";
    private const string DocumentPrefix = "d~";
    private const string OpeningPrefix = "o~";
    private const string WaitingPrefix = "w~";
    private const int MaxAttempts = 20;

    public TableClient Table { get; } = service.GetTableClient(options.Table(TableName));

    public async Task<ApprovalInstance?> FindAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, InstancePrefix + id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? Read(row.Value!) : null;
    }

    public async Task<ApprovalInstance> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) =>
        await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException("approval", id);

    /// <summary>A new approval with its document row, and its opening row until <see cref="StartedAsync"/>.</summary>
    public async Task<ApprovalInstance> CreateAsync(string tenantId, ApprovalInstance instance, bool opening, CancellationToken cancellationToken = default)
    {
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, Row(tenantId, instance)),
            new(TableTransactionActionType.Add, new TableEntity(tenantId, DocumentKey(instance.DocumentType, instance.DocumentId, instance.Id))),
        };
        if (opening)
        {
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(tenantId, OpeningPrefix + instance.Id) { ["At"] = instance.SubmittedAt }));
        }
        var response = await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        var created = instance with { Version = response.Value[0].Headers.ETag?.ToString() ?? "" };
        await SyncInboxAsync(tenantId, created, cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored approval under its ETag, re-reading on a concurrent write (the
    /// change sees the winner's state, so a decision on a step another closed is refused by the rules). With
    /// <paramref name="ifMatch"/> a concurrent write is refused instead. A change that returns its input writes nothing.
    /// </summary>
    public async Task<ApprovalInstance> UpdateAsync(string tenantId, string id, Func<ApprovalInstance, ApprovalInstance> change, string? ifMatch = null,
        CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await GetAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
            if (ifMatch is not null && ifMatch != current.Version)
            {
                throw new PreconditionFailedException("approval", id);
            }
            var updated = change(current);
            if (ReferenceEquals(updated, current))
            {
                await SyncInboxAsync(tenantId, current, cancellationToken).ConfigureAwait(false);
                return current;
            }
            try
            {
                var response = await Table.UpdateEntityAsync(Row(tenantId, updated), new ETag(current.Version), TableUpdateMode.Replace, cancellationToken)
                    .ConfigureAwait(false);
                var written = updated with { Version = response.Headers.ETag?.ToString() ?? "" };
                await SyncInboxAsync(tenantId, written, cancellationToken).ConfigureAwait(false);
                return written;
            }
            catch (RequestFailedException e) when (e.Status == 412 && ifMatch is null && attempt < MaxAttempts)
            {
                await Contention.WaitAsync(attempt, "approval", id, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                throw new PreconditionFailedException("approval", id);
            }
        }
    }

    /// <summary>The orchestration is scheduled: the sweep need not look at this approval again.</summary>
    public Task StartedAsync(string tenantId, string id, CancellationToken cancellationToken = default) =>
        DeleteRowAsync(tenantId, OpeningPrefix + id, cancellationToken);

    /// <summary>Removes an approval whose document never went under it (a submission refused or cut short before that).</summary>
    public async Task DeleteAsync(string tenantId, ApprovalInstance instance, CancellationToken cancellationToken = default)
    {
        foreach (var key in new[] { InstancePrefix + instance.Id, DocumentKey(instance.DocumentType, instance.DocumentId, instance.Id), OpeningPrefix + instance.Id }
                     .Concat(People(instance).Select(u => WaitingKey(u, instance.Id))))
        {
            await DeleteRowAsync(tenantId, key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A document's approvals, newest first.</summary>
    public async Task<IReadOnlyList<ApprovalInstance>> OfDocumentAsync(string tenantId, string documentType, string documentId,
        CancellationToken cancellationToken = default)
    {
        var from = DocumentKey(documentType, documentId, "");
        var ids = new List<string>();
        await foreach (var row in Table.QueryAsync<TableEntity>(KeyRange(tenantId, from), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ids.Add(row.RowKey[from.Length..]);
        }
        var found = await Task.WhenAll(ids.Select(id => FindAsync(tenantId, id, cancellationToken))).ConfigureAwait(false);
        return [.. found.OfType<ApprovalInstance>().OrderByDescending(i => i.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// A page of the approvals waiting on the user, oldest first; the cursor is the last approval id read. Rows the
    /// instance no longer backs (a decision whose inbox rows were not yet removed) are left out and removed.
    /// </summary>
    public async Task<(IReadOnlyList<ApprovalInstance> Items, string? Next)> WaitingForAsync(string tenantId, string userId, int limit, string? after,
        CancellationToken cancellationToken = default)
    {
        var prefix = WaitingKey(userId, "");
        var from = after is null ? prefix : WaitingKey(userId, after) + "\u0001";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {from} and RowKey lt {RowKeys.PrefixEnd(prefix)}");
        var items = new List<ApprovalInstance>();
        string? last = null;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit + 1, 1000), select: ["RowKey"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (items.Count == limit)
            {
                return (items, last);
            }
            var id = row.RowKey[prefix.Length..];
            if (await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false) is { } instance && instance.Waiting.Contains(userId, StringComparer.Ordinal))
            {
                items.Add(instance);
            }
            else
            {
                await DeleteRowAsync(tenantId, row.RowKey, cancellationToken).ConfigureAwait(false);
            }
            last = id;
        }
        return (items, null);
    }

    /// <summary>Approvals whose orchestration may not have been scheduled, with when they were submitted.</summary>
    public async IAsyncEnumerable<(string Id, DateTimeOffset At)> OpeningAsync(string tenantId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in Table.QueryAsync<TableEntity>(KeyRange(tenantId, OpeningPrefix), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return (row.RowKey[OpeningPrefix.Length..], row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue);
        }
    }

    /// <summary>
    /// Makes the inbox rows match the instance: a row for each user it waits on, none for anyone else it ever named.
    /// Both idempotent, so a step that ran twice, or a write cut short before this, is set right by the next call.
    /// </summary>
    public async Task SyncInboxAsync(string tenantId, ApprovalInstance instance, CancellationToken cancellationToken = default)
    {
        var waiting = instance.Waiting.ToHashSet(StringComparer.Ordinal);
        // One row at a time: a delete of a row already gone would fail a whole batch, and an approval names few people.
        foreach (var user in People(instance))
        {
            if (waiting.Contains(user))
            {
                await Table.UpsertEntityAsync(new TableEntity(tenantId, WaitingKey(user, instance.Id)), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await DeleteRowAsync(tenantId, WaitingKey(user, instance.Id), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeleteRowAsync(string tenantId, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(tenantId, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>Everyone the approval ever named: approvers and delegates of every step started.</summary>
    private static IEnumerable<string> People(ApprovalInstance instance) =>
        instance.Steps.SelectMany(s => s.Seats).SelectMany(seat => seat.Delegates.Prepend(seat.ApproverId)).Concat(instance.Waiting).Distinct(StringComparer.Ordinal);

    private static TableEntity Row(string tenantId, ApprovalInstance instance)
    {
        var row = new TableEntity(tenantId, InstancePrefix + instance.Id);
        ChunkedText.Write(row, "D", CrmJson.Serialize(instance with { Version = "" }));
        return row;
    }

    private static ApprovalInstance Read(TableEntity row) =>
        CrmJson.Deserialize<ApprovalInstance>(ChunkedText.Read(row, "D")!) with { Version = row.ETag.ToString() };

    private static string DocumentKey(string type, string documentId, string id) => $"{DocumentPrefix}{type}~{documentId}~{id}";

    private static string WaitingKey(string userId, string id) => $"{WaitingPrefix}{userId}~{id}";

    private static string KeyRange(string tenantId, string prefix) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {prefix} and RowKey lt {RowKeys.PrefixEnd(prefix)}");
}
