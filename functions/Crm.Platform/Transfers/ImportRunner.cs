using System.Collections.Concurrent;
using System.Globalization;
using Crm.Domain.Common;
using Crm.Domain.Transfers;
using Crm.Storage.Records;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Transfers;

/// <summary>What an accepted upload leaves in Blob Storage for its job: the file's cells and where each column goes.</summary>
public sealed record ImportUpload(CellTable Cells, IReadOnlyList<ImportColumn> Columns);

public sealed record RunImport(string TenantId, string JobId) : IQueueMessage
{
    public const string QueueName = "imports";

    public string IdempotencyKey => "import:" + JobId;
}

/// <summary>Lets a test stop an import half-way, as a crash would; does nothing in the service.</summary>
public interface IImportObserver
{
    ValueTask RowDoneAsync(string jobId, int row, CancellationToken cancellationToken);
}

public sealed class NoImportObserver : IImportObserver
{
    public ValueTask RowDoneAsync(string jobId, int row, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>
/// Writes an import's rows in chunks, each chunk's rows concurrently, and checkpoints the counts after every
/// chunk. Every create carries a mark made of the job id and row number, stored with the record in one
/// transaction; a delivery after a crash starts at the last checkpoint and counts the rows it finds marked as
/// created instead of writing them again. Updates are safe to repeat: they set the same values.
/// </summary>
public sealed class ImportRunner(TransferJobStore jobs, TransferFiles files, TransferCatalogue types, JobCallers callers, IImportObserver observer,
    IOptions<TransferOptions> options, IOptions<QueueOptions> queueOptions, TimeProvider clock, ILogger<ImportRunner> logger) : IQueueHandler<RunImport>
{
    public async Task HandleAsync(RunImport message, QueueMessageContext context, CancellationToken cancellationToken)
    {
        var read = await jobs.ReadAsync(message.TenantId, TransferJob.Import, message.JobId, cancellationToken);
        if (read is null || read.Job.IsFinished)
        {
            return; // a repeat of a finished job's message, or a job cancelled before it started
        }
        try
        {
            await RunAsync(message.TenantId, read, cancellationToken);
        }
        catch (DomainException e)
        {
            // Nothing a retry would change (the creator was disabled, the columns no longer match): the job fails now.
            await jobs.FailAsync(message.TenantId, TransferJob.Import, message.JobId, $"{e.Code}: {e.Message}", clock.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (context.DequeueCount >= queueOptions.Value.MaxDequeueCount && e is not OperationCanceledException)
        {
            // The last attempt: the message goes to the poison queue, and the job says it failed rather than running forever.
            await jobs.FailAsync(message.TenantId, TransferJob.Import, message.JobId, "import.crashed: The import stopped repeatedly; rows up to the last checkpoint are written.",
                clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }

    private async Task RunAsync(string tenantId, StoredJob stored, CancellationToken cancellationToken)
    {
        var job = stored.Job;
        var transfer = types.FindOrNull(job.EntityType) ?? throw new ConflictException("transfer.unknown_entity_type", $"'{job.EntityType}' can no longer be imported.");
        var caller = await callers.ForAsync(tenantId, job, cancellationToken) with { DryRun = job.DryRun };
        var source = files.Imports.GetBlobClient(TransferFiles.ImportSource(tenantId, job.Id));
        // The cells and the column mapping made when the file was accepted (custom field values are still checked as of now).
        var upload = (await source.DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<ImportUpload>(CrmJson.Options)!;
        var (cells, mapping) = (upload.Cells, upload.Columns);
        job = job with { Status = TransferStatus.Running, StartedAt = job.StartedAt ?? clock.GetUtcNow(), Total = cells.Rows.Count };
        if (await CheckpointAsync(tenantId, stored, job, cancellationToken) is not { } running)
        {
            return;
        }
        stored = running;

        var markPrefix = $"import:{job.Id}:";
        var marks = job.DryRun ? new Dictionary<string, string>() : await transfer.MarksAsync(tenantId, markPrefix, cancellationToken);
        var chunkSize = Math.Max(1, options.Value.ImportChunkSize);
        while (job.Processed < cells.Rows.Count)
        {
            var start = job.Processed;
            var end = Math.Min(start + chunkSize, cells.Rows.Count);
            var outcomes = new ImportOutcome?[end - start];
            var errors = new ConcurrentBag<ImportRowError>();
            var chunkStarted = clock.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(start, end - start),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.ImportParallelism), CancellationToken = cancellationToken },
                async (index, ct) =>
                {
                    var row = index + 1;
                    var mark = markPrefix + row.ToString("D7", CultureInfo.InvariantCulture);
                    var values = cells.Rows[index];
                    if (marks.ContainsKey(mark))
                    {
                        outcomes[index - start] = ImportOutcome.Created;
                    }
                    else
                    {
                        try
                        {
                            var body = ImportRows.ToBody(mapping, values);
                            var key = job.KeyField is { } keyField ? ImportRows.Key(mapping, values, keyField) : null;
                            outcomes[index - start] = await transfer.ImportAsync(caller with { Mark = new WriteMark(transfer.TypeName, mark) }, body,
                                job.Mode ?? ImportMode.Create, job.KeyField, key, ct);
                        }
                        catch (DomainException e)
                        {
                            errors.Add(Rejected(row, values, e));
                        }
                    }
                    await observer.RowDoneAsync(job.Id, row, ct);
                });
            await jobs.SaveErrorsAsync(tenantId, job.Id, [.. errors.OrderBy(e => e.Row)], cancellationToken);
            job = job with
            {
                Processed = end,
                Created = job.Created + outcomes.Count(o => o == ImportOutcome.Created),
                Updated = job.Updated + outcomes.Count(o => o == ImportOutcome.Updated),
                Skipped = job.Skipped + outcomes.Count(o => o == ImportOutcome.Skipped),
                Failed = job.Failed + errors.Count,
            };
            if (await CheckpointAsync(tenantId, stored, job, cancellationToken) is not { } saved)
            {
                await source.DeleteIfExistsAsync(cancellationToken: cancellationToken);
                logger.LogInformation("Import {JobId} cancelled after {Processed} rows", job.Id, job.Processed);
                return;
            }
            stored = saved;
            logger.LogDebug("Import {JobId}: rows {Start} to {End} in {Elapsed}", job.Id, start + 1, end, clock.GetElapsedTime(chunkStarted));
        }
        if (await CheckpointAsync(tenantId, stored, job with { Status = TransferStatus.Succeeded, FinishedAt = clock.GetUtcNow() }, cancellationToken) is null)
        {
            return;
        }
        await source.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        logger.LogInformation("Import {JobId} of {Type}: {Created} created, {Updated} updated, {Skipped} skipped, {Failed} failed",
            job.Id, job.EntityType, job.Created, job.Updated, job.Skipped, job.Failed);
    }

    /// <summary>
    /// Saves the job's progress unless it was cancelled meanwhile: then the counts so far go onto the cancelled job
    /// (rows already written stay) and null tells the runner to stop. Any other change means a second delivery of
    /// the same message is running the job; this one gives way, and a later retry resumes from the checkpoint.
    /// </summary>
    private async Task<StoredJob?> CheckpointAsync(string tenantId, StoredJob read, TransferJob progress, CancellationToken cancellationToken)
    {
        if (await jobs.UpdateAsync(tenantId, read, progress, cancellationToken) is { } saved)
        {
            return saved;
        }
        var now = await jobs.ReadAsync(tenantId, TransferJob.Import, progress.Id, cancellationToken);
        if (now?.Job.Status != TransferStatus.Cancelled)
        {
            throw new InvalidOperationException($"Import {progress.Id} was changed by another delivery of its message.");
        }
        await jobs.UpdateAsync(tenantId, now, now.Job with
        {
            StartedAt = progress.StartedAt, Total = progress.Total, Processed = progress.Processed,
            Created = progress.Created, Updated = progress.Updated, Skipped = progress.Skipped, Failed = progress.Failed,
        }, cancellationToken);
        return null;
    }

    private static ImportRowError Rejected(int row, string[] values, DomainException e)
    {
        var (field, reason) = e is ValidationException v && v.Errors.FirstOrDefault() is { Key: { } f } first
            ? (f, string.Join(" ", v.Errors.SelectMany(kv => kv.Value.Select(m => $"{kv.Key}: {m}"))))
            : ((string?)null, e.Message);
        return new ImportRowError(row, values, e.Code, field, reason);
    }
}
