using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace Crm.Storage.Records;

/// <summary>
/// Reads several key ranges of one partition as one ordered range. The ranges share how their keys
/// end (e.g. <c>{invTicks}~{id}</c> after each owner's prefix), so rows are merged by that suffix,
/// and a row found in two ranges (an owner's and a team member's) comes once.
/// </summary>
internal static class KeyRangeMerge
{
    public static async IAsyncEnumerable<(string Suffix, TableEntity Row)> ReadAsync(TableClient table, string tenantId,
        IReadOnlyList<string> prefixes, string? afterSuffix, int pageSize, IReadOnlyList<string> select,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ranges = prefixes.Distinct(StringComparer.Ordinal).Select(prefix =>
        {
            var filter = afterSuffix is null
                ? TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {prefix} and RowKey lt {RowKeys.PrefixEnd(prefix)}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {prefix + afterSuffix} and RowKey lt {RowKeys.PrefixEnd(prefix)}");
            return new Range(prefix, table.QueryAsync<TableEntity>(filter, pageSize, select, cancellationToken).GetAsyncEnumerator(cancellationToken));
        }).ToList();
        try
        {
            // The first page of every range is requested at once: one round trip's wait, not one per owner.
            await Task.WhenAll(ranges.Select(r => r.AdvanceAsync())).ConfigureAwait(false);
            while (true)
            {
                string? next = null;
                foreach (var range in ranges.Where(r => r.Suffix is not null))
                {
                    if (next is null || string.CompareOrdinal(range.Suffix, next) < 0)
                    {
                        next = range.Suffix;
                    }
                }
                if (next is null)
                {
                    yield break;
                }
                var current = ranges.First(r => r.Suffix == next);
                yield return (next, current.Rows.Current);
                await Task.WhenAll(ranges.Where(r => r.Suffix == next).Select(r => r.AdvanceAsync())).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var range in ranges)
            {
                await range.Rows.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed class Range(string prefix, IAsyncEnumerator<TableEntity> rows)
    {
        public IAsyncEnumerator<TableEntity> Rows => rows;

        /// <summary>The current row's key after the prefix; null once the range is exhausted.</summary>
        public string? Suffix { get; private set; }

        public async Task AdvanceAsync() =>
            Suffix = await rows.MoveNextAsync().ConfigureAwait(false) ? rows.Current.RowKey[prefix.Length..] : null;
    }
}
