using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Domain.Transfers;
using Crm.Storage;

namespace Crm.Platform.Transfers;

/// <summary>A job as read, with the version a conditional save must present.</summary>
public sealed record StoredJob(TransferJob Job, ETag ETag);

/// <summary>
/// Import and export jobs and the rows an import rejected, in the <c>transferjobs</c> table: one partition per
/// tenant, so another tenant's job id is simply not found.
/// </summary>
public sealed class TransferJobStore(TableServiceClient service, StorageOptions options)
{
    public const string TableName = "transferjobs";

    private const string DataProperty = "D";
    private readonly TableClient _table = service.GetTableClient(options.Table(TableName));

    public async Task SaveAsync(string tenantId, TransferJob job, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(Row(tenantId, job), TableUpdateMode.Replace, cancellationToken);

    /// <summary>A job names up to thousands of record ids and fields: more than one table property holds.</summary>
    private static TableEntity Row(string tenantId, TransferJob job)
    {
        var row = new TableEntity(tenantId, Key(job.Kind, job.Id));
        ChunkedText.Write(row, DataProperty, CrmJson.Serialize(job));
        return row;
    }

    public async Task<TransferJob?> FindAsync(string tenantId, string kind, string id, CancellationToken cancellationToken) =>
        (await ReadAsync(tenantId, kind, id, cancellationToken))?.Job;

    public async Task<StoredJob?> ReadAsync(string tenantId, string kind, string id, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(id))
        {
            return null;
        }
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(tenantId, Key(kind, id), cancellationToken: cancellationToken);
        return row.HasValue ? new StoredJob(JsonSerializer.Deserialize<TransferJob>(ChunkedText.Read(row.Value!, DataProperty)!, CrmJson.Options)!, row.Value!.ETag) : null;
    }

    /// <summary>
    /// Saves <paramref name="changed"/> only if the job is still as <paramref name="read"/> found it: a runner's progress
    /// never overwrites a cancellation. Null when the job changed meanwhile; the caller reads it again to see why.
    /// </summary>
    public async Task<StoredJob?> UpdateAsync(string tenantId, StoredJob read, TransferJob changed, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.UpdateEntityAsync(Row(tenantId, changed),
                read.ETag, TableUpdateMode.Replace, cancellationToken);
            return new StoredJob(changed, response.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>Marks an unfinished job failed, re-reading it so that the latest progress is kept and a cancellation stays.</summary>
    public async Task FailAsync(string tenantId, string kind, string id, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        while (await ReadAsync(tenantId, kind, id, cancellationToken) is { Job.IsFinished: false } read)
        {
            if (await UpdateAsync(tenantId, read, read.Job with { Status = TransferStatus.Failed, Error = error, FinishedAt = now }, cancellationToken) is not null)
            {
                return;
            }
        }
    }

    /// <summary>Marks a queued or running job cancelled; a finished job is left as it is. Null when there is no such job.</summary>
    public async Task<TransferJob?> CancelAsync(string tenantId, string kind, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        while (await ReadAsync(tenantId, kind, id, cancellationToken) is { } read)
        {
            if (read.Job.IsFinished)
            {
                return read.Job;
            }
            if (await UpdateAsync(tenantId, read, read.Job with { Status = TransferStatus.Cancelled, FinishedAt = now }, cancellationToken) is { } saved)
            {
                return saved.Job;
            }
        }
        return null;
    }

    /// <summary>Upserts by row number, so a chunk processed again after a crash writes the same rows, not more.</summary>
    public async Task SaveErrorsAsync(string tenantId, string jobId, IReadOnlyList<ImportRowError> errors, CancellationToken cancellationToken)
    {
        foreach (var batch in errors.Chunk(100))
        {
            await _table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(tenantId, ErrorKey(jobId, e.Row)) { [DataProperty] = CrmJson.Serialize(e) })), cancellationToken);
        }
    }

    public async IAsyncEnumerable<ImportRowError> ErrorsAsync(string tenantId, string jobId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = ErrorPrefix(jobId);
        var to = from[..^1] + (char)(from[^1] + 1);
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {from} and RowKey lt {to}"),
            cancellationToken: cancellationToken))
        {
            yield return JsonSerializer.Deserialize<ImportRowError>(row.GetString(DataProperty), CrmJson.Options)!;
        }
    }

    private static string Key(string kind, string id) => $"{kind}~{id}";

    private static string ErrorPrefix(string jobId) => $"{TransferJob.Import}~{jobId}~e~";

    private static string ErrorKey(string jobId, int row) => ErrorPrefix(jobId) + row.ToString("D7", CultureInfo.InvariantCulture);
}
