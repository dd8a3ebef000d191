using Azure.Data.Tables;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    /// <summary>
    /// How many live records have the indexed field set to the value (e.g. the customers a user owns),
    /// counted over that index's key range with keys only, stopping once <paramref name="stopAt"/> is reached:
    /// a cap check never reads more than the cap.
    /// </summary>
    public async Task<int> CountWithFieldAsync(string tenantId, string field, string value, int stopAt = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var prefix = RowKeys.FieldPrefix(field, value);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {prefix} and RowKey lt {RowKeys.PrefixEnd(prefix)}");
        var count = 0;
        await foreach (var _ in Table.QueryAsync<TableEntity>(filter, TableLimits.MaxQueryPage, [KeyProperty], cancellationToken).ConfigureAwait(false))
        {
            if (++count >= stopAt)
            {
                break;
            }
        }
        return count;
    }
}
