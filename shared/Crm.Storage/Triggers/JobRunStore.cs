using Azure;
using Azure.Data.Tables;

namespace Crm.Storage.Triggers;

/// <summary>One row per job in the <c>jobruns</c> table: what ran last, and the claim that stops two replicas running it twice.</summary>
internal sealed class JobRunEntity : ITableEntity
{
    public string PartitionKey { get; set; } = JobRunStore.Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>When scheduling began, so downtime before the first occurrence still counts as missed.</summary>
    public DateTimeOffset? TrackedSince { get; set; }
    public DateTimeOffset? LastScheduledFor { get; set; }
    public DateTimeOffset? LastStartedAt { get; set; }

    /// <summary>When the job last finished successfully; failed runs leave it alone.</summary>
    public DateTimeOffset? LastCompletedAt { get; set; }
    public string? LastStatus { get; set; }
    public string? LastError { get; set; }
}

internal sealed class JobRunStore(TableServiceClient tables, StorageOptions storage)
{
    public const string TableName = "jobruns";

    internal const string Partition = "job";
    private const int MaxErrorLength = 4000;
    private volatile bool _tableCreated;

    public async Task<JobRunEntity?> GetAsync(string job, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var row = await table.GetEntityIfExistsAsync<JobRunEntity>(Partition, job, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    public async Task<JobRunEntity> GetOrStartTrackingAsync(string job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await GetAsync(job, cancellationToken) is { } existing)
        {
            return existing;
        }
        var table = await TableAsync(cancellationToken);
        try
        {
            await table.AddEntityAsync(new JobRunEntity { RowKey = job, TrackedSince = now }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another replica started tracking first; its row is as good as ours.
        }
        return await GetAsync(job, cancellationToken) ?? throw new InvalidOperationException($"The jobruns row of {job} vanished");
    }

    /// <summary>
    /// Claims <paramref name="occurrence"/> by writing it into the row conditionally on the ETag just
    /// read: of replicas racing for it exactly one write succeeds. Null when another process got this
    /// occurrence (or a later one). The returned row still holds the previous completion time.
    /// </summary>
    public async Task<JobRunEntity?> TryClaimAsync(string job, DateTimeOffset occurrence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await GetAsync(job, cancellationToken);
            if (current?.LastScheduledFor >= occurrence)
            {
                return null;
            }
            var claim = current ?? new JobRunEntity { RowKey = job, TrackedSince = now };
            claim.LastScheduledFor = occurrence;
            claim.LastStartedAt = now;
            claim.LastStatus = "Running";
            claim.LastError = null;
            try
            {
                if (current is null)
                {
                    await table.AddEntityAsync(claim, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(claim, current.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                return claim;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone wrote the row between our read and write: read again and decide again.
            }
        }
        return null;
    }

    public async Task RecordFinishAsync(string job, DateTimeOffset? completedAt, string status, string? error)
    {
        var table = await TableAsync(CancellationToken.None);
        var finish = new TableEntity(Partition, job) { ["LastStatus"] = status, ["LastError"] = error is null ? "" : Truncate(error) };
        if (completedAt is { } at)
        {
            finish["LastCompletedAt"] = at;
        }
        // Merge without an ETag on purpose: these columns belong to the run that just ended, while a
        // replica may meanwhile have claimed the next occurrence (moving the ETag) and its claim must stay.
        await table.UpdateEntityAsync(finish, ETag.All, TableUpdateMode.Merge, CancellationToken.None);
    }

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];

    private async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(storage.Table(TableName));
        if (!_tableCreated)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _tableCreated = true;
        }
        return table;
    }
}
