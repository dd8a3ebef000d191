using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Domain.Tenants;
using Crm.Storage.Records;

namespace Crm.Storage.Tenants;

/// <summary>
/// The directory of tenants: one small table, partition "tenant", a row by id and a row claiming the
/// slug, written together so two sign-ups can never take the same slug.
/// </summary>
public sealed class TenantStore(TableServiceClient service, StorageOptions options, TimeProvider clock)
{
    private const string Partition = "tenant";

    /// <summary>Every request reads its tenant's settings; they change rarely, so keep them briefly.</summary>
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (Tenant Tenant, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public TableClient Table { get; } = service.GetTableClient(options.Table("tenants"));

    public async Task CreateAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        try
        {
            await Table.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.Add, new TableEntity(Partition, "slug~" + tenant.Slug) { ["TenantId"] = tenant.Id }),
                new(TableTransactionActionType.Add, new TableEntity(Partition, "id~" + tenant.Id) { ["D"] = CrmJson.Serialize(tenant) }),
            ], cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            throw new ConflictException("tenant.slug_taken", $"The tenant slug '{tenant.Slug}' is already taken.");
        }
    }

    public async Task UpdateAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await Table.UpsertEntityAsync(new TableEntity(Partition, "id~" + tenant.Id) { ["D"] = CrmJson.Serialize(tenant) }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        _cache.TryRemove(tenant.Id, out _);
    }

    /// <summary>The tenant as stored now (never the cache) and its version, for read-change-write with If-Match.</summary>
    public async Task<(Tenant Tenant, string Version)?> ReadAsync(string tenantId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, "id~" + RowKeys.Escape(tenantId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? (CrmJson.Deserialize<Tenant>(row.Value!.GetString("D")), Version(row.Value.ETag)) : null;
    }

    /// <summary>
    /// Writes the tenant only if it is still at <paramref name="version"/> (from <see cref="ReadAsync"/>);
    /// otherwise 412. Answers the new version.
    /// </summary>
    public async Task<string> UpdateAsync(Tenant tenant, string version, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.UpdateEntityAsync(new TableEntity(Partition, "id~" + tenant.Id) { ["D"] = CrmJson.Serialize(tenant) },
                new ETag(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(version))), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return Version(response.Headers.ETag!.Value);
        }
        catch (Exception e) when (e is RequestFailedException { Status: 412 } or FormatException)
        {
            throw new PreconditionFailedException("tenant", tenant.Id);
        }
        finally
        {
            _cache.TryRemove(tenant.Id, out _);
        }
    }

    /// <summary>The storage ETag as an opaque token that fits in a quoted HTTP ETag.</summary>
    private static string Version(ETag etag) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(etag.ToString()));

    public async Task<Tenant?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, "slug~" + RowKeys.Escape(slug), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? await FindAsync(row.Value!.GetString("TenantId"), cancellationToken).ConfigureAwait(false) : null;
    }

    public async Task<Tenant?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(tenantId, out var cached) && cached.Until > now)
        {
            return cached.Tenant;
        }
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, "id~" + RowKeys.Escape(tenantId), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return null;
        }
        var tenant = CrmJson.Deserialize<Tenant>(row.Value!.GetString("D"));
        _cache[tenantId] = (tenant, now + CacheFor);
        return tenant;
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken)
    {
        var tenants = new List<Tenant>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {"id~"} and RowKey lt {"id~~"}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(CrmJson.Deserialize<Tenant>(row.GetString("D")));
        }
        return tenants;
    }


    internal static ETag Any => ETag.All;
}
