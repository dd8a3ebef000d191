using Azure.Data.Tables;
using Crm.Domain.Common;

namespace Crm.Storage.Records;

public sealed record RecycleBinEntry(string Type, string Id, string Name, DateTimeOffset DeletedAt, string DeletedBy);

/// <summary>Deleted records of every type, most recently deleted first, and their purge by age.</summary>
public sealed class RecycleBin(RecordTypeRegistry registry)
{
    public async Task<Page<RecycleBinEntry>> ListAsync(string tenantId, string? type, int limit, string? cursor, CancellationToken cancellationToken)
    {
        // The filter names a type as the restore URL does: singular or plural.
        type = type is null ? null : registry.FindNamed(type)?.TypeName ?? type;
        var stores = registry.Stores.Where(s => s.CanDelete && (type is null || s.TypeName == type)).ToList();
        if (stores.Count == 0)
        {
            throw new ValidationException("type", $"Unknown or undeletable record type. Known: {string.Join(", ", registry.Stores.Where(s => s.CanDelete).Select(s => s.TypeName))}.");
        }
        var hash = ListCursor.Hash("bin", type);
        var after = ListCursor.Decode(cursor, hash);
        var (rows, next) = await MergedRange.ReadAsync(stores.Select(s => s.Table), tenantId, after?.LastKey ?? "b~", after is not null, "b~~",
            limit, _ => true, ["Type", "Id", "Name", "DeletedAt", "DeletedBy"], cancellationToken).ConfigureAwait(false);
        return new Page<RecycleBinEntry>(rows.Select(ToEntry).ToList(), next is null ? null : new ListCursor(next, hash).Encode());
    }

    /// <summary>Purges every entry deleted before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PurgeOlderThanAsync(WriteContext context, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var purged = 0;
        foreach (var store in registry.Stores.Where(s => s.CanDelete))
        {
            // Older deletions have larger inverted ticks: the range from the cutoff to the end.
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {context.TenantId} and RowKey ge {"b~" + RowKeys.Inverted(cutoff)} and RowKey lt {"b~~"}");
            var ids = new List<string>();
            await foreach (var row in store.Table.QueryAsync<TableEntity>(filter, 1000, ["Id"], cancellationToken).ConfigureAwait(false))
            {
                ids.Add(row.GetString("Id"));
            }
            foreach (var id in ids)
            {
                try
                {
                    await store.PurgeAsync(context, id, cancellationToken).ConfigureAwait(false);
                    purged++;
                }
                catch (NotFoundException)
                {
                    // Restored or purged by someone else meanwhile: nothing left to do.
                }
            }
        }
        return purged;
    }

    private static RecycleBinEntry ToEntry(TableEntity row) => new(
        row.GetString("Type"), row.GetString("Id"), row.GetString("Name") ?? "", row.GetDateTimeOffset("DeletedAt") ?? default, row.GetString("DeletedBy") ?? "");
}
