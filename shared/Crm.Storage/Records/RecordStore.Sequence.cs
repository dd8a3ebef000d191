using Azure.Data.Tables;
using Crm.Domain.Common;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    /// <summary>
    /// Numbered writers of one series queue on its counter row, so they get more turns than writers racing for one
    /// record: fifty at once each find their turn well within this many.
    /// </summary>
    private const int MaxNumberingAttempts = 200;

    private const string LastProperty = "Last";

    /// <summary>
    /// Creates a record numbered gap-free in its <paramref name="series"/>: the counter row (<c>n~{series}</c>, in the
    /// tenant's partition of this table) moves in the record's own transaction under its ETag, so a number is taken
    /// exactly when its record is written, and a writer that lost the race reads the counter again and retries with
    /// the next number. <paramref name="build"/> makes the record for a sequence number.
    /// </summary>
    public async Task<T> CreateNumberedAsync(WriteContext context, string series, Func<long, T> build, CancellationToken cancellationToken = default)
    {
        var key = RowKeys.Sequence(series);
        var id = Ids.New(context.Now);
        for (var attempt = 0; ; attempt++)
        {
            var (last, counter) = await ReadCounterAsync(context.TenantId, key, cancellationToken).ConfigureAwait(false);
            var record = build(last + 1);
            record = string.IsNullOrEmpty(record.Id) ? record with { Id = id } : record;
            var next = new TableEntity(context.TenantId, key) { [LastProperty] = last + 1 };
            TableTransactionAction move = counter is null ? new(TableTransactionActionType.Add, next) : new(TableTransactionActionType.UpdateReplace, next, counter.ETag);
            try
            {
                return await CreateAsync(context, record, [move], cancellationToken).ConfigureAwait(false);
            }
            catch (ConflictException)
            {
                // Another writer took the number (the refusal may name its unique number key): try with the next one.
                // A record already written under this id (a retried conversion) is the caller's answer, not a race.
                if (await FindAsync(context.TenantId, record.Id, cancellationToken).ConfigureAwait(false) is not null
                    || (await ReadCounterAsync(context.TenantId, key, cancellationToken).ConfigureAwait(false)).Last == last)
                {
                    throw;
                }
            }
            if (attempt >= MaxNumberingAttempts)
            {
                throw new BusyException("record.busy", $"Too many {type.Name} numbers were being taken at once; send the request again.");
            }
            await Task.Delay(Random.Shared.Next(1, Math.Min(100, 4 << Math.Min(attempt, 5)) + 1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The last number taken in a series (0 before the first).</summary>
    public async Task<long> LastNumberAsync(string tenantId, string series, CancellationToken cancellationToken = default) =>
        (await ReadCounterAsync(tenantId, RowKeys.Sequence(series), cancellationToken).ConfigureAwait(false)).Last;

    private async Task<(long Last, TableEntity? Row)> ReadCounterAsync(string tenantId, string key, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, key, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? (row.Value!.GetInt64(LastProperty) ?? 0, row.Value) : (0, null);
    }
}
