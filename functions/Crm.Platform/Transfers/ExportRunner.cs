using System.Text;
using Crm.Domain.Common;
using Crm.Domain.Transfers;
using Crm.Platform.Records;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Transfers;

public sealed record RunExport(string TenantId, string JobId) : IQueueMessage
{
    public const string QueueName = "exports";

    public string IdempotencyKey => "export:" + JobId;
}

/// <summary>
/// Reads the records as the job's creator may see them now (data scope, field rules), writes the file to
/// Blob Storage and audits the export. Running twice writes the same file again; nothing is duplicated.
/// </summary>
public sealed class ExportRunner(TransferJobStore jobs, TransferFiles files, TransferCatalogue types, JobCallers callers,
    IOptions<TransferOptions> options, TimeProvider clock) : IQueueHandler<RunExport>
{
    public async Task HandleAsync(RunExport message, QueueMessageContext context, CancellationToken cancellationToken)
    {
        var read = await jobs.ReadAsync(message.TenantId, TransferJob.Export, message.JobId, cancellationToken);
        if (read is null || read.Job.IsFinished)
        {
            return; // done already, or cancelled before it started
        }
        try
        {
            await RunAsync(message.TenantId, read, cancellationToken);
        }
        catch (DomainException e)
        {
            await jobs.FailAsync(message.TenantId, TransferJob.Export, message.JobId, $"{e.Code}: {e.Message}", clock.GetUtcNow(), cancellationToken);
        }
    }

    private async Task RunAsync(string tenantId, StoredJob read, CancellationToken cancellationToken)
    {
        var job = read.Job;
        var transfer = types.FindOrNull(job.EntityType) ?? throw new ConflictException("transfer.unknown_entity_type", $"'{job.EntityType}' can no longer be exported.");
        var caller = await callers.ForAsync(tenantId, job, cancellationToken);
        var started = clock.GetUtcNow();
        if (await jobs.UpdateAsync(tenantId, read, job = job with { Status = TransferStatus.Running, StartedAt = started }, cancellationToken) is not { } running)
        {
            return; // cancelled (or taken by another delivery) since it was read
        }

        var rows = await transfer.ReadAsync(caller, job.Ids, job.Search, options.Value.MaxExportRows, cancellationToken);
        var visible = transfer.Columns(caller, rows);
        // Asked-for fields keep their order; one the caller may not see is not among the visible columns, so it stays out.
        var columns = job.Fields is { } fields ? [.. fields.Where(visible.Contains)] : visible;
        var xlsx = job.Format == ExportFormat.Xlsx;
        var fileName = $"{job.EntityType}-{started:yyyyMMdd-HHmmss}.{(xlsx ? "xlsx" : "csv")}";
        var content = xlsx
            ? XlsxFormat.Write(job.EntityType, columns, rows.Select(r => columns.Select(c => ExportTable.Value(r, c))))
            : Csv(columns, rows);
        var file = files.Exports.GetBlobClient(TransferFiles.ExportFile(tenantId, job.Id, fileName));
        await files.UploadAsync(files.Exports, file.Name, BinaryData.FromBytes(content), xlsx ? XlsxFormat.ContentType : "text/csv; charset=utf-8", cancellationToken);
        // Audited before the file can be downloaded: a crash or a cancellation in between may leave an audit entry for a
        // file nobody gets (a retry audits again), never a downloadable file without one.
        var what = job.Ids is not null ? $"{job.Ids.Count} ids" : $"search {CrmJson.Serialize(job.Search)}";
        await transfer.AuditExportAsync(caller, $"{rows.Count} rows as {(xlsx ? "XLSX" : "CSV")} (export job {job.Id}); {what}", cancellationToken);
        var now = clock.GetUtcNow();
        var done = await jobs.UpdateAsync(tenantId, running, job with
        {
            Status = TransferStatus.Succeeded, Total = rows.Count, Processed = rows.Count, FileName = fileName,
            FinishedAt = now, ExpiresAt = now.AddDays(options.Value.ExportFileDays),
        }, cancellationToken);
        if (done is null)
        {
            // Cancelled while the file was being made: nobody may download it.
            await file.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
    }

    private static byte[] Csv(List<string> columns, List<System.Text.Json.Nodes.JsonObject> rows)
    {
        var text = new StringBuilder(CsvFormat.Line(columns));
        foreach (var row in rows)
        {
            text.Append(CsvFormat.Line(columns.Select(c => CsvFormat.Cell(ExportTable.Value(row, c)))));
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }
}

/// <summary>Deletes export files (and uploads of jobs that never finished) older than their expiry.</summary>
public sealed class TransferFileExpiryJob(TransferFiles files, IOptions<TransferOptions> options, TimeProvider clock) : ITimerJob
{
    public const string Name = "transfer-file-expiry";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().AddDays(-options.Value.ExportFileDays);
        foreach (var container in new[] { files.Exports, files.Imports })
        {
            await files.ContainerAsync(container, cancellationToken);
            await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                if (blob.Properties.CreatedOn < before)
                {
                    await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
                }
            }
        }
    }
}
