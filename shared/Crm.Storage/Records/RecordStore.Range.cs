using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    /// <summary>
    /// Live records whose value of an indexed field (single- or multi-valued) sorts below
    /// <paramref name="before"/>, in value order: one key range, for due-time indexes ("reminders due
    /// by now") whose values are fixed-width so that text order is time order.
    /// </summary>
    public IAsyncEnumerable<T> WithFieldBelowAsync(string tenantId, string field, string before, CancellationToken cancellationToken = default) =>
        WithFieldBetweenAsync(tenantId, field, "", before, cancellationToken);

    /// <summary>
    /// Live records whose value of an indexed field sorts from <paramref name="from"/> up to (not including)
    /// <paramref name="before"/>, in value order: one key range over composite values such as
    /// <c>{userId}:{dueTicks}</c> (a person's tasks due in a period).
    /// </summary>
    public async IAsyncEnumerable<T> WithFieldBetweenAsync(string tenantId, string field, string from, string before,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var head = RowKeys.FieldPrefix(field, "")[..^1];
        var start = head + RowKeys.Escape(from);
        var end = head + RowKeys.Escape(before);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {start} and RowKey lt {end}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, TableLimits.MaxQueryPage, [DataProperty, DeletedProperty], cancellationToken).ConfigureAwait(false))
        {
            if (!IsDeleted(row))
            {
                yield return Parse(row);
            }
        }
    }
}
