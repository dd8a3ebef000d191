using System.Security.Cryptography;
using System.Text;
using ETag = Azure.ETag;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Domain.Notifications;
using Crm.Storage.Records;

namespace Crm.Storage.Notifications;

/// <summary>
/// In-app notifications, one partition per user (<c>{tenantId}~{userId}</c>), so a user's list and
/// unread list are each one key range. Rows: <c>d~{id}</c> the notification, <c>n~{inverted time}~{id}</c>
/// every one newest first, <c>u~{inverted time}~{id}</c> the unread ones, <c>k~{hash}</c> its dedupe key.
/// A notification and all its rows are written in one transaction, so a repeat is refused whole.
/// </summary>
public sealed class NotificationStore(TableServiceClient service, StorageOptions options)
{
    public const string TableName = "notifications";
    private const string DataProperty = "D";

    public TableClient Table { get; } = service.GetTableClient(options.Table(TableName));

    /// <summary>Adds the notification unless one with the same dedupe key was added for the user; true when added.</summary>
    public async Task<bool> AddAsync(string tenantId, Notification notification, string dedupeKey, CancellationToken cancellationToken = default)
    {
        var partition = Partition(tenantId, notification.UserId);
        var added = notification with { Id = Ids.New(notification.CreatedAt), ReadAt = null };
        var json = CrmJson.Serialize(added);
        TableEntity Row(string key) => new(partition, key) { [DataProperty] = json };
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new TableEntity(partition, DedupeKey(dedupeKey)) { ["Id"] = added.Id }),
            new(TableTransactionActionType.Add, Row(DataKey(added.Id))),
            new(TableTransactionActionType.Add, Row(ListKey("n~", added))),
            new(TableTransactionActionType.Add, Row(ListKey("u~", added))),
        };
        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The user's notifications (or unread ones), newest first.</summary>
    public async Task<Page<Notification>> ListAsync(string tenantId, string userId, bool unreadOnly, int limit, string? cursor, CancellationToken cancellationToken = default)
    {
        var head = unreadOnly ? "u~" : "n~";
        var hash = ListCursor.Hash("notifications", head);
        var after = ListCursor.Decode(cursor, hash);
        var partition = Partition(tenantId, userId);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {head} and RowKey lt {RowKeys.PrefixEnd(head)}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after.LastKey} and RowKey lt {RowKeys.PrefixEnd(head)}");
        var items = new List<Notification>(limit);
        string? lastKey = null;
        // A projection returns only what it names: the row key is the cursor.
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, limit + 1, ["RowKey", DataProperty], cancellationToken).ConfigureAwait(false))
        {
            if (items.Count == limit)
            {
                return new Page<Notification>(items, new ListCursor(lastKey!, hash).Encode());
            }
            items.Add(CrmJson.Deserialize<Notification>(row.GetString(DataProperty)));
            lastKey = row.RowKey;
        }
        return new Page<Notification>(items, null);
    }

    /// <summary>Marks one notification read (again is a no-op); another user's id is simply not in this partition.</summary>
    public async Task<Notification> MarkReadAsync(string tenantId, string userId, string id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var partition = Partition(tenantId, userId);
        for (var attempt = 0; ; attempt++)
        {
            var row = Ids.IsWellFormed(id) ? await Table.GetEntityIfExistsAsync<TableEntity>(partition, DataKey(id), cancellationToken: cancellationToken).ConfigureAwait(false) : null;
            if (row is not { HasValue: true })
            {
                throw new NotFoundException("notification", id);
            }
            var current = CrmJson.Deserialize<Notification>(row.Value!.GetString(DataProperty));
            if (current.ReadAt is not null)
            {
                return current;
            }
            var read = current with { ReadAt = now };
            try
            {
                await Table.SubmitTransactionAsync(ReadActions(partition, read, row.Value.ETag), cancellationToken).ConfigureAwait(false);
                return read;
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 404 && attempt < 3)
            {
                // Read at the same moment elsewhere (a second tab, read-all): look again.
            }
        }
    }

    /// <summary>Marks every unread notification of the user read; returns how many it marked.</summary>
    public async Task<int> MarkAllReadAsync(string tenantId, string userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var partition = Partition(tenantId, userId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"u~"} and RowKey lt {"u~~"}");
        var ids = new List<string>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, TableLimits.MaxQueryPage, [DataProperty], cancellationToken).ConfigureAwait(false))
        {
            ids.Add(CrmJson.Deserialize<Notification>(row.GetString(DataProperty)).Id);
        }
        var marked = 0;
        foreach (var id in ids)
        {
            // One transaction each: a notification read meanwhile is seen as read, not counted twice.
            var read = await MarkReadAsync(tenantId, userId, id, now, cancellationToken).ConfigureAwait(false);
            marked += read.ReadAt == now ? 1 : 0;
        }
        return marked;
    }

    private static List<TableTransactionAction> ReadActions(string partition, Notification read, ETag etag)
    {
        var json = CrmJson.Serialize(read);
        return
        [
            new(TableTransactionActionType.UpdateReplace, new TableEntity(partition, DataKey(read.Id)) { [DataProperty] = json }, etag),
            new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, ListKey("n~", read)) { [DataProperty] = json }),
            new(TableTransactionActionType.Delete, new TableEntity(partition, ListKey("u~", read)), ETag.All),
        ];
    }

    private static string Partition(string tenantId, string userId) => $"{tenantId}~{RowKeys.Escape(userId)}";

    private static string DataKey(string id) => "d~" + id;

    private static string ListKey(string head, Notification n) => $"{head}{RowKeys.Inverted(n.CreatedAt)}~{n.Id}";

    /// <summary>A hash, so any key a feature chooses fits a row key.</summary>
    private static string DedupeKey(string dedupeKey) => "k~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dedupeKey)));
}
