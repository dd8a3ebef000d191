using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    public async Task<T> CreateAsync(WriteContext context, T record, IEnumerable<TableTransactionAction>? extra = null, CancellationToken cancellationToken = default)
    {
        var created = record with
        {
            Id = string.IsNullOrEmpty(record.Id) ? Ids.New(context.Now) : record.Id,
            CreatedAt = context.Now,
            CreatedBy = context.ActorId,
            UpdatedAt = context.Now,
            UpdatedBy = context.ActorId,
            Version = NewVersion(),
        };
        var json = Serialize(created);
        var rows = IndexRows(context.TenantId, created, json, await SortableAsync(context.TenantId, cancellationToken).ConfigureAwait(false));
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, RecordRow(context.TenantId, created, json, rows.Keys)),
        };
        actions.AddRange(rows.Values.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
        actions.AddRange(extra ?? []);
        if (context.Mark is { } mark && mark.Type == type.Name)
        {
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(context.TenantId, RowKeys.Mark(mark.Key)) { [IdProperty] = created.Id }));
        }
        actions.AddRange(Trail(context, AuditAction.Created, created, FieldChanges.Diff(null, CrmJson.ToObject(created))));
        await CommitAsync(context, actions, cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>
    /// Read, change, write with the stored ETag. With <paramref name="ifMatch"/> a concurrent change
    /// answers 412; without it the change is re-applied to the fresh record (never a lost update). A row
    /// rewritten without a new version (a sort-index backfill) is read again and the change retried either way.
    /// </summary>
    public async Task<T> UpdateAsync(WriteContext context, string id, string? ifMatch, Func<T, ValueTask<T>> change,
        Func<T, T, IEnumerable<TableTransactionAction>>? extra = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await ReadLiveRowAsync(context.TenantId, id, cancellationToken).ConfigureAwait(false);
            var before = Parse(row);
            EnsureVersion(ifMatch, before);
            var changed = await change(before).ConfigureAwait(false);
            var after = changed with
            {
                Id = before.Id,
                CreatedAt = before.CreatedAt,
                CreatedBy = before.CreatedBy,
                UpdatedAt = context.Now > before.UpdatedAt ? context.Now : before.UpdatedAt.AddTicks(1),
                UpdatedBy = context.ActorId,
                Version = NewVersion(),
            };
            var changes = FieldChanges.Diff(CrmJson.ToObject(before), CrmJson.ToObject(after));
            if (changes.Count == 0)
            {
                return before;
            }
            var json = Serialize(after);
            var oldRows = IndexRows(context.TenantId, before, Serialize(before), []);
            foreach (var (key, listed) in ListedSortRows(row))
            {
                oldRows[key] = listed;
            }
            var newRows = IndexRows(context.TenantId, after, json, await SortableAsync(context.TenantId, cancellationToken).ConfigureAwait(false));
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, RecordRow(context.TenantId, after, json, newRows.Keys), row.ETag) };
            actions.AddRange(oldRows.Keys.Except(newRows.Keys).Select(k => new TableTransactionAction(TableTransactionActionType.Delete, oldRows[k], AnyETag)));
            foreach (var (key, newRow) in newRows)
            {
                if (!IsUniqueKeyRow(key))
                {
                    actions.Add(new(TableTransactionActionType.UpsertReplace, newRow));
                }
                else if (!oldRows.ContainsKey(key))
                {
                    actions.Add(new(TableTransactionActionType.Add, newRow));
                }
            }
            actions.AddRange(extra?.Invoke(before, after) ?? []);
            actions.AddRange(Trail(context, AuditAction.Updated, after, changes));
            if (await TryCommitAsync(context, actions, cancellationToken).ConfigureAwait(false))
            {
                return after;
            }
            // With If-Match, the next read answers 412 if the version moved (EnsureVersion); a row rewritten at
            // the same version only needs the change written again.
            await Contention.WaitAsync(attempt, type.Name, id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Moves a record to the recycle bin: its index rows and unique keys go, the record row stays.</summary>
    public async Task DeleteAsync(WriteContext context, string id, string? ifMatch, CancellationToken cancellationToken = default)
    {
        if (!type.CanDelete)
        {
            throw new ConflictException($"{type.Name}.not_deletable", $"A {type.Name} cannot be deleted.");
        }
        for (var attempt = 0; ; attempt++)
        {
            var row = await ReadLiveRowAsync(context.TenantId, id, cancellationToken).ConfigureAwait(false);
            var before = Parse(row);
            EnsureVersion(ifMatch, before);
            var binKey = RowKeys.RecycleBin(context.Now, id);
            var deletedRow = RecordRow(context.TenantId, before, row.GetString(DataProperty), []);
            deletedRow[DeletedProperty] = true;
            deletedRow[BinKeyProperty] = binKey;
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, deletedRow, row.ETag) };
            actions.AddRange(IndexRows(context.TenantId, before, Serialize(before), []).Values.Concat(ListedSortRows(row).Values)
                .Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, AnyETag)));
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(context.TenantId, binKey)
            {
                [IdProperty] = id,
                ["Type"] = type.Name,
                ["Name"] = type.DisplayName(before),
                ["DeletedAt"] = context.Now,
                ["DeletedBy"] = context.ActorId,
            }));
            actions.AddRange(Trail(context, AuditAction.Deleted, before, FieldChanges.Diff(CrmJson.ToObject(before), null)));
            if (await TryCommitAsync(context, actions, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
            await Contention.WaitAsync(attempt, type.Name, id, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<RecordBase> RestoreAsync(WriteContext context, string id, CancellationToken cancellationToken = default)
    {
        var row = await ReadBinnedRowAsync(context.TenantId, id, cancellationToken).ConfigureAwait(false);
        var restored = Parse(row) with { UpdatedAt = context.Now, UpdatedBy = context.ActorId, Version = NewVersion() };
        var json = Serialize(restored);
        var rows = IndexRows(context.TenantId, restored, json, await SortableAsync(context.TenantId, cancellationToken).ConfigureAwait(false));
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, RecordRow(context.TenantId, restored, json, rows.Keys), row.ETag),
            new(TableTransactionActionType.Delete, new TableEntity(context.TenantId, row.GetString(BinKeyProperty)), AnyETag),
        };
        actions.AddRange(rows.Values.Select(r =>
            new TableTransactionAction(IsUniqueKeyRow(r.RowKey) ? TableTransactionActionType.Add : TableTransactionActionType.UpsertReplace, r)));
        actions.AddRange(Trail(context, AuditAction.Restored, restored, FieldChanges.Diff(null, CrmJson.ToObject(restored))));
        if (!await TryCommitAsync(context, actions, cancellationToken).ConfigureAwait(false))
        {
            throw new BusyException("record.busy", $"The {type.Name} '{id}' changed while it was being restored; send the request again.");
        }
        return restored;
    }

    /// <summary>Removes a binned record for good; its audit history stays.</summary>
    public async Task PurgeAsync(WriteContext context, string id, CancellationToken cancellationToken = default)
    {
        var row = await ReadBinnedRowAsync(context.TenantId, id, cancellationToken).ConfigureAwait(false);
        var record = Parse(row);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Delete, row, row.ETag),
            new(TableTransactionActionType.Delete, new TableEntity(context.TenantId, row.GetString(BinKeyProperty)), AnyETag),
        };
        actions.AddRange(Trail(context, AuditAction.Purged, record, new Dictionary<string, FieldChange>()));
        if (!await TryCommitAsync(context, actions, cancellationToken).ConfigureAwait(false))
        {
            throw new BusyException("record.busy", $"The {type.Name} '{id}' changed while it was being purged; send the request again.");
        }
    }

    private async Task<TableEntity> ReadLiveRowAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var row = await ReadRowAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        return row is null || IsDeleted(row) ? throw new NotFoundException(type.Name, id) : row;
    }

    private async Task<TableEntity> ReadBinnedRowAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var row = await ReadRowAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        return row is not null && IsDeleted(row) ? row : throw new NotFoundException("recycleBin", id);
    }

    private void EnsureVersion(string? ifMatch, T current)
    {
        if (ifMatch is not null && ifMatch != current.Version)
        {
            throw new PreconditionFailedException(type.Name, current.Id);
        }
    }

    private string Serialize(T record)
    {
        var json = CrmJson.Serialize(record);
        TableLimits.EnsureRecordFits(type.Name, json);
        return json;
    }

    private TableEntity RecordRow(string tenantId, T record, string json, IEnumerable<string> rowKeys)
    {
        var row = new TableEntity(tenantId, RowKeys.Record(record.Id)) { [DataProperty] = json, ["Name"] = type.DisplayName(record), [DeletedProperty] = false };
        if (rowKeys.Any(IsSortRow))
        {
            row[SortKeysProperty] = SortKeysText(rowKeys);
        }
        return row;
    }

    private async Task CommitAsync(WriteContext context, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (!await TryCommitAsync(context, actions, cancellationToken).ConfigureAwait(false))
        {
            // Only a create commits this way: its rows were refused because a record with its id exists.
            throw new ConflictException("record.exists", $"A {type.Name} with this id exists already.");
        }
    }

    /// <summary>
    /// Submits one entity group transaction. False when the record row's ETag no longer matched
    /// (another writer won); a taken unique key becomes the key's own conflict.
    /// </summary>
    private async Task<bool> TryCommitAsync(WriteContext context, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        var tenantId = context.TenantId;
        if (actions.Count > TableLimits.MaxTransactionEntities || TableLimits.EstimateBytes(actions.Select(a => a.Entity)) > TableLimits.MaxTransactionBytes)
        {
            throw new PayloadTooLargeException("record.too_large", $"This {type.Name} change needs more than one storage transaction allows (100 rows, 4 MiB).");
        }
        if (context.DryRun)
        {
            // What the commit would refuse for a taken key, without the commit.
            await ThrowTakenUniqueKeyAsync(tenantId, actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 412)
        {
            return false;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            await ThrowMarkedAsync(tenantId, actions, cancellationToken).ConfigureAwait(false);
            await ThrowTakenUniqueKeyAsync(tenantId, actions, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // A row this write expected (an index or bin row) vanished: another writer changed the record.
            return false;
        }
        outbox.Notify(tenantId);
        return true;
    }

    /// <summary>A create whose mark is already stored was written before (a redelivered import row): 409 <c>record.already_written</c>.</summary>
    private async Task ThrowMarkedAsync(string tenantId, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        foreach (var action in actions.Where(a => a.ActionType == TableTransactionActionType.Add && a.Entity.RowKey.StartsWith(RowKeys.MarkPrefix, StringComparison.Ordinal)))
        {
            var existing = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, action.Entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (existing.HasValue)
            {
                throw new ConflictException(AlreadyWritten, $"This {type.Name} was already written under the same mark.",
                    new Dictionary<string, object?> { ["existingId"] = existing.Value!.GetString(IdProperty) });
            }
        }
    }

    private async Task ThrowTakenUniqueKeyAsync(string tenantId, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        foreach (var action in actions.Where(a => a.ActionType == TableTransactionActionType.Add && IsUniqueKeyRow(a.Entity.RowKey)))
        {
            var existing = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, action.Entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var mine = ((TableEntity)action.Entity).GetString(IdProperty);
            if (existing.HasValue && existing.Value!.GetString(IdProperty) != mine)
            {
                var key = KeyFor(action.Entity.RowKey, actions);
                throw new ConflictException(key?.ConflictCode ?? $"{type.Name}.duplicate", key?.Message ?? $"This {type.Name} already exists.",
                    new Dictionary<string, object?> { ["existingId"] = existing.Value.GetString(IdProperty) });
            }
        }
    }

    /// <summary>Finds the declared unique key behind a key row, for its conflict code and message.</summary>
    private UniqueKey? KeyFor(string rowKey, List<TableTransactionAction> actions)
    {
        var recordJson = actions.Select(a => a.Entity).OfType<TableEntity>().FirstOrDefault(e => e.RowKey.StartsWith(RowKeys.RecordPrefix, StringComparison.Ordinal))?.GetString(DataProperty);
        return recordJson is null ? null : type.UniqueKeys(CrmJson.Deserialize<T>(recordJson)).FirstOrDefault(k => RowKeys.Unique(k.Name, k.Value) == rowKey);
    }
}
