using Azure.Data.Tables;

namespace Crm.Storage.Records;

/// <summary>
/// Reads one key range of a tenant's partition in several tables as if it were one ordered range
/// (the operation log and the recycle bin span every record type). One page request per table;
/// rows past the earliest table's unread remainder wait for the next call, so order stays exact.
/// </summary>
internal static class MergedRange
{
    public static async Task<(List<TableEntity> Rows, string? NextKey)> ReadAsync(
        IEnumerable<TableClient> tables, string tenantId, string from, bool fromExclusive, string to, int take,
        Func<TableEntity, bool> keep, IReadOnlyList<string> select, CancellationToken cancellationToken)
    {
        var filter = fromExclusive
            ? TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {from} and RowKey lt {to}");
        var pageSize = Math.Min(TableLimits.MaxQueryPage, Math.Max(take + 1, 200));
        var reads = await Task.WhenAll(tables.Select(t => FirstRowsAsync(t, filter, pageSize, select, cancellationToken))).ConfigureAwait(false);

        // Rows beyond the smallest "last key" of a table that has more cannot be ordered yet.
        var boundary = reads.Where(r => r.HasMore).Select(r => r.Rows[^1].RowKey).Min(StringComparer.Ordinal);
        var merged = reads.SelectMany(r => r.Rows)
            .Where(r => boundary is null || string.CompareOrdinal(r.RowKey, boundary) <= 0)
            .OrderBy(r => r.RowKey, StringComparer.Ordinal);
        var result = new List<TableEntity>(take);
        foreach (var row in merged)
        {
            if (!keep(row))
            {
                continue;
            }
            if (result.Count == take)
            {
                return (result, result[^1].RowKey);
            }
            result.Add(row);
        }
        return (result, boundary);
    }

    private static async Task<(List<TableEntity> Rows, bool HasMore)> FirstRowsAsync(
        TableClient table, string filter, int pageSize, IReadOnlyList<string> select, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        // A projection returns only what it names; the merge orders and resumes by row key.
        select = ["RowKey", .. select];
        // Azure may answer an empty page with a continuation token; follow it until rows or the end.
        // The merge orders by RowKey and the cursor is a RowKey; $select returns only the named properties.
        select = select.Contains("RowKey") ? select : [.. select, "RowKey"];
        await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, select, cancellationToken).AsPages(pageSizeHint: pageSize).ConfigureAwait(false))
        {
            rows.AddRange(page.Values);
            if (rows.Count > 0)
            {
                return (rows, page.ContinuationToken is not null);
            }
        }
        return (rows, false);
    }
}
