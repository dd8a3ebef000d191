using Azure;
using Azure.Data.Tables;
using Crm.Domain.Attachments;
using Crm.Domain.Common;
using Crm.Storage;

namespace Crm.Platform.Attachments;

/// <summary>
/// The bytes each tenant's live attachments hold (every version), one row per tenant in <c>attachmentusage</c>,
/// changed with its ETag so concurrent uploads cannot both take the last of the quota.
/// </summary>
public sealed class AttachmentUsage(TableServiceClient service, StorageOptions options)
{
    public const string TableName = "attachmentusage";
    private const string RowKey = "usage";
    private const string BytesProperty = "Bytes";
    private readonly TableClient _table = service.GetTableClient(options.Table(TableName));

    public async Task<long> UsedAsync(string tenantId, CancellationToken cancellationToken) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>(tenantId, RowKey, cancellationToken: cancellationToken)) is { HasValue: true } row
            ? row.Value!.GetInt64(BytesProperty) ?? 0 : 0;

    /// <summary>Adds <paramref name="bytes"/> (negative to free them); with a quota, refuses (413) what would pass it.</summary>
    public async Task AddAsync(string tenantId, long bytes, long? quotaBytes, long maxFileBytes, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(tenantId, RowKey, cancellationToken: cancellationToken);
            var used = found.HasValue ? found.Value!.GetInt64(BytesProperty) ?? 0 : 0;
            if (quotaBytes is { } quota && bytes > 0)
            {
                AttachmentQuota.EnsureFits(bytes, used, quota, maxFileBytes);
            }
            var row = new TableEntity(tenantId, RowKey) { [BytesProperty] = Math.Max(0, used + bytes) };
            try
            {
                if (found.HasValue)
                {
                    await _table.UpdateEntityAsync(row, found.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await _table.AddEntityAsync(row, cancellationToken);
                }
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another upload or delete changed the count first: read it again.
                await Contention.WaitAsync(attempt, "attachmentUsage", tenantId, cancellationToken);
            }
        }
    }
}
