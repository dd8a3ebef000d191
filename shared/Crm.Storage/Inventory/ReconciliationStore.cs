using System.Globalization;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Storage.Inventory;

/// <summary>One balance whose stored figures differ from the sum of its entries; <c>WarehouseId</c> null is the product's total.</summary>
public sealed record BalanceDifference(string ProductId, string? WarehouseId, decimal StoredOnHand, decimal ComputedOnHand,
    decimal StoredReserved, decimal ComputedReserved, long StoredEntries, long ComputedEntries);

/// <summary>
/// What one reconciliation run found in one tenant. <see cref="Items"/> holds at most <see cref="ReconciliationStore.MaxListed"/>
/// differences; <see cref="Differences"/> counts them all.
/// </summary>
public sealed record ReconciliationReport(DateTimeOffset RanAt, int Balances, int Differences, bool Truncated, IReadOnlyList<BalanceDifference> Items);

/// <summary>The reconciliation reports, one partition per tenant, newest first (row key: inverted ticks).</summary>
public sealed class ReconciliationStore(TableServiceClient service, StorageOptions options)
{
    public const string TableName = "inventoryreconciliations";

    /// <summary>A row's property holds at most 64 KiB; 200 differences fit well inside it.</summary>
    public const int MaxListed = 200;

    private TableClient Table { get; } = service.GetTableClient(options.Table(TableName));

    public Task SaveAsync(string tenantId, ReconciliationReport report, CancellationToken cancellationToken = default) =>
        Table.UpsertEntityAsync(new TableEntity(tenantId, (DateTimeOffset.MaxValue.UtcTicks - report.RanAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture))
        {
            ["D"] = CrmJson.Serialize(report),
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<ReconciliationReport?> LatestAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await foreach (var row in Table.QueryAsync<TableEntity>(e => e.PartitionKey == tenantId, maxPerPage: 1, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return CrmJson.Deserialize<ReconciliationReport>(row.GetString("D"));
        }
        return null;
    }
}
