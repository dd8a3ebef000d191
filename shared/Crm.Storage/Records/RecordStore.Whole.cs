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
