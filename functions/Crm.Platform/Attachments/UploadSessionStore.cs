using System.Text.Json;
using Azure.Data.Tables;
using Crm.Domain.Attachments;
using Crm.Domain.Common;
using Crm.Storage;

namespace Crm.Platform.Attachments;

/// <summary>Upload sessions in <c>attachmentuploads</c>, a partition per tenant; an expired one reads as missing.</summary>
public sealed class UploadSessionStore(TableServiceClient service, StorageOptions options, TimeProvider clock)
{
    public const string TableName = "attachmentuploads";
    private const string DataProperty = "D";
    private readonly TableClient _table = service.GetTableClient(options.Table(TableName));

    public async Task SaveAsync(string tenantId, UploadSession session, CancellationToken cancellationToken) =>
        await _table.AddEntityAsync(new TableEntity(tenantId, session.Id) { [DataProperty] = CrmJson.Serialize(session), ["ExpiresAt"] = session.ExpiresAt }, cancellationToken);

    /// <summary>The caller's own live session; 404 for another's, an expired one or none.</summary>
    public async Task<UploadSession> GetOwnAsync(string tenantId, string userId, string id, CancellationToken cancellationToken)
    {
        var row = Ids.IsWellFormed(id) ? await _table.GetEntityIfExistsAsync<TableEntity>(tenantId, id, cancellationToken: cancellationToken) : null;
        var session = row is { HasValue: true } ? JsonSerializer.Deserialize<UploadSession>(row.Value!.GetString(DataProperty), CrmJson.Options) : null;
        return session is not null && session.CreatedBy == userId && session.ExpiresAt > clock.GetUtcNow() ? session : throw new NotFoundException("upload", id);
    }

    public async Task DeleteAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        await _table.DeleteEntityAsync(tenantId, id, cancellationToken: cancellationToken);

    /// <summary>Sessions past their expiry, for the sweep: (tenant, session).</summary>
    public async IAsyncEnumerable<(string TenantId, UploadSession Session)> ExpiredAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ExpiresAt lt {clock.GetUtcNow()}"), cancellationToken: cancellationToken))
        {
            yield return (row.PartitionKey, JsonSerializer.Deserialize<UploadSession>(row.GetString(DataProperty), CrmJson.Options)!);
        }
    }
}
