using Azure.Data.Tables;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    /// <summary>The conflict a create answers when its <see cref="WriteMark"/> is already stored.</summary>
    public const string AlreadyWritten = "record.already_written";

    /// <summary>
    /// The marks stored under <paramref name="keyPrefix"/> (see <see cref="WriteContext.Mark"/>), each with the id of
    /// the record created under it: what a resumed import reads to skip the rows it wrote before a crash.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> MarksAsync(string tenantId, string keyPrefix, CancellationToken cancellationToken = default)
    {
        var from = RowKeys.Mark(keyPrefix);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {from} and RowKey lt {RowKeys.PrefixEnd(from)}");
        var marks = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: [KeyProperty, IdProperty], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            marks[row.RowKey[RowKeys.MarkPrefix.Length..]] = row.GetString(IdProperty);
        }
        return marks;
    }
}
