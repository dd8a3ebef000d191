using Azure.Data.Tables;
using Crm.Domain.Common;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    /// <summary>A sort by a custom field the tenant has not made sortable (or no such field).</summary>
    public const string SortUnsupported = "search.sort_unsupported";

    /// <summary>A sort by a custom field whose rows are still being written for the existing records.</summary>
    public const string SortIndexBuilding = "search.sort_index_building";

    /// <summary>Records rewritten at once by <see cref="RebuildSortRowsAsync"/>: each is its own small transaction.</summary>
    private const int RebuildParallelism = 8;

    public async Task ValidateQueryAsync(string tenantId, ListQuery query, CancellationToken cancellationToken = default)
    {
        Validate(query);
        await EnsureSortableAsync(tenantId, query.Sort, forList: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A custom-field sort pages over that field's sort rows, so the field must be sortable (400) and, to list,
    /// its rows complete (409 while the backfill runs). A saved view may name a field still being built.
    /// </summary>
    private async Task EnsureSortableAsync(string tenantId, string sort, bool forList, CancellationToken cancellationToken)
    {
        if (!ListQuery.IsCustomFieldSort(sort, out var key, out _))
        {
            return;
        }
        var sortable = await SortableAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var field = sortable.FirstOrDefault(f => f.Key == key);
        if (field is null)
        {
            var choices = ListQuery.Sorts.Select(s => s.TrimStart('-')).Concat(sortable.Select(f => ListQuery.CustomFieldSortPrefix + f.Key)).Distinct();
            throw new ValidationException("sort",
                $"Cannot sort {type.Table} by '{ListQuery.CustomFieldSortPrefix}{key}': it is not sortable. Sortable: {string.Join(", ", choices)}. "
                + "A custom field can be made sortable (\"sortable\": true on its definition); until then, filter on it.", SortUnsupported);
        }
        if (!field.Ready && forList)
        {
            throw new ConflictException(SortIndexBuilding,
                $"'{ListQuery.CustomFieldSortPrefix}{key}' was just made sortable and its index is still being built for the existing {type.Table}; retry shortly.");
        }
    }

    /// <summary>
    /// Walks every record row of the tenant and makes its sort rows those the sortable fields call for now:
    /// missing rows are written, rows of fields no longer sortable removed, and the record row's list of them
    /// merged in, guarded by its ETag (a concurrent write wins and the record is read again). The record's JSON,
    /// version and times stay, and nothing goes to the audit log or the outbox: no record changed. Safe to repeat.
    /// </summary>
    public async Task<int> RebuildSortRowsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {RowKeys.RecordPrefix} and RowKey lt {RowKeys.PrefixEnd(RowKeys.RecordPrefix)}");
        var rewritten = new int[1];
        await foreach (var page in Table.QueryAsync<TableEntity>(filter, TableLimits.MaxQueryPage, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            // Read again for every page: a field turned on or off meanwhile is honoured from here on.
            var sortable = await SortableAsync(tenantId, cancellationToken).ConfigureAwait(false);
            await Parallel.ForEachAsync(page.Values, new ParallelOptions { MaxDegreeOfParallelism = RebuildParallelism, CancellationToken = cancellationToken },
                async (row, ct) =>
                {
                    if (await SyncSortRowsAsync(row, sortable, ct).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref rewritten[0]);
                    }
                }).ConfigureAwait(false);
        }
        return rewritten[0];
    }

    private async Task<bool> SyncSortRowsAsync(TableEntity row, IReadOnlyList<SortableField> sortable, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var listed = ListedSortRows(row);
            T? record = IsDeleted(row) ? null : Parse(row);
            var wanted = record is null ? [] : SortRowKeys(record, sortable).ToHashSet(StringComparer.Ordinal);
            if (wanted.SetEquals(listed.Keys))
            {
                return false;
            }
            var json = row.GetString(DataProperty);
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpdateMerge, new TableEntity(row.PartitionKey, row.RowKey) { [SortKeysProperty] = SortKeysText(wanted) }, row.ETag),
            };
            actions.AddRange(listed.Where(l => !wanted.Contains(l.Key)).Select(l => new TableTransactionAction(TableTransactionActionType.Delete, l.Value, AnyETag)));
            actions.AddRange(wanted.Where(k => !listed.ContainsKey(k)).Select(k =>
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(row.PartitionKey, k) { [IdProperty] = record!.Id, [DataProperty] = json })));
            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
            {
                // The record was written (or purged) meanwhile: judge it again as it is now.
            }
            await Contention.WaitAsync(attempt, type.Name, row.RowKey[RowKeys.RecordPrefix.Length..], cancellationToken).ConfigureAwait(false);
            var fresh = await Table.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!fresh.HasValue)
            {
                return false;
            }
            row = fresh.Value!;
        }
    }
}
