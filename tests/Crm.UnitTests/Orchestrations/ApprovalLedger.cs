using Azure;
using Azure.Data.Tables;

namespace Crm.UnitTests.Orchestrations;

/// <summary>
/// What the sample's activities did, in a table of the test's own: one row per effect (inserted once, so a repeat is
/// a no-op) and one row per attempt (so a test sees that an activity did run twice and still had one effect).
/// </summary>
internal sealed class ApprovalLedger(TableClient table)
{
    public TableClient Table { get; } = table;

    public async Task RecordAttemptAsync(string instanceId, string step, string worker) =>
        await Table.AddEntityAsync(new TableEntity(instanceId, $"attempt~{step}~{Guid.NewGuid():N}") { ["Worker"] = worker });

    /// <summary>True when this call made the effect; false when an earlier run of the same step already had.</summary>
    public async Task<bool> RecordEffectOnceAsync(string instanceId, string step, string? value = null)
    {
        try
        {
            await Table.AddEntityAsync(new TableEntity(instanceId, $"effect~{step}") { ["Value"] = value });
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<int> EffectsAsync(string instanceId, string step) => (await RowsAsync(instanceId, $"effect~{step}")).Count;

    public async Task<IReadOnlyList<string>> AttemptsAsync(string instanceId, string step) =>
        (await RowsAsync(instanceId, $"attempt~{step}~")).Select(r => r.GetString("Worker")).ToList();

    private async Task<List<TableEntity>> RowsAsync(string instanceId, string rowKeyPrefix)
    {
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey ge {rowKeyPrefix} and RowKey lt {rowKeyPrefix + "~~"}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter))
        {
            rows.Add(row);
        }
        return rows;
    }
}
