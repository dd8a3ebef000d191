using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    /// <summary>
    /// Every live record of the tenant, for the few small record types that are read whole (roles,
    /// the org chart behind data scopes). Never for the large ones: that is what lists are for.
    /// </summary>
    public async IAsyncEnumerable<T> AllAsync(string tenantId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {RowKeys.RecordPrefix} and RowKey lt {RowKeys.PrefixEnd(RowKeys.RecordPrefix)}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, TableLimits.MaxQueryPage, [DataProperty, DeletedProperty], cancellationToken).ConfigureAwait(false))
        {
            if (!IsDeleted(row))
            {
                yield return Parse(row);
            }
        }
    }

    /// <summary>
    /// Every record of the tenant in the recycle bin, as it was deleted, for the rare check that must see them too (a
    /// product category is not deleted while a binned product could come back into it). Found through the bin's own rows,
    /// so the cost is what is in the bin, not every record; read a page at a time.
    /// </summary>
    public async IAsyncEnumerable<T> BinnedAsync(string tenantId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {"b~"} and RowKey lt {"b~~"}");
        await foreach (var page in Table.QueryAsync<TableEntity>(filter, TableLimits.MaxQueryPage, [IdProperty], cancellationToken).AsPages().ConfigureAwait(false))
        {
            var binned = await Task.WhenAll(page.Values.Select(row => FindInBinAsync(tenantId, row.GetString(IdProperty), cancellationToken))).ConfigureAwait(false);
            foreach (var record in binned.OfType<T>())
            {
                yield return record;
            }
        }
    }

    /// <summary>
    /// A value that changes with every create, update, delete and restore of the tenant's records of
    /// this type: the newest audit row's key, written in the same transaction as the change. Caches
    /// of whole record sets compare it to know, with one small read, whether they are stale.
    /// </summary>
    public async Task<string> ChangeStampAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {RowKeys.AuditPrefix} and RowKey lt {RowKeys.PrefixEnd(RowKeys.AuditPrefix)}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: [KeyProperty], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return row.RowKey;
        }
        return "";
    }
}
