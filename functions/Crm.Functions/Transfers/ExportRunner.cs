using System.Text;
using Crm.Domain.Common;
using Crm.Domain.Transfers;
using Crm.Functions.Records;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Options;

namespace Crm.Functions.Transfers;

public sealed record RunExport(string TenantId, string JobId) : IQueueMessage
{
    public const string QueueName = "exports";

    public string IdempotencyKey => "export:" + JobId;
}

/// <summary>
/// Reads the records as the job's creator may see them now (data scope, field rules), writes the file to
/// Blob Storage and audits the export. Running twice writes the same file again; nothing is duplicated.
/// </summary>
internal sealed class ExportRunner(TransferJobStore jobs, TransferFiles files, TransferCatalogue types, JobCallers callers,
    IOptions<TransferOptions> options, TimeProvider clock) : IQueueHandler<RunExport>
{
    public async Task HandleAsync(RunExport message, QueueMessageContext context, CancellationToken cancellationToken)
    {
        var job = await jobs.FindAsync(message.TenantId, TransferJob.Export, message.JobId, cancellationToken);
        if (job is null || job.IsFinished)
        {
            return;
        }
        try
        {
            await RunAsync(message.TenantId, job, cancellationToken);
        }
        catch (DomainException e)
        {
            await jobs.SaveAsync(message.TenantId, job with { Status = TransferStatus.Failed, Error = $"{e.Code}: {e.Message}", FinishedAt = clock.GetUtcNow() }, cancellationToken);
        }
    }

    private async Task RunAsync(string tenantId, TransferJob job, CancellationToken cancellationToken)
    {
        var transfer = types.FindOrNull(job.EntityType) ?? throw new ConflictException("transfer.unknown_entity_type", $"'{job.EntityType}' can no longer be exported.");
        var caller = await callers.ForAsync(tenantId, job, cancellationToken);
        var started = clock.GetUtcNow();
        await jobs.SaveAsync(tenantId, job = job with { Status = TransferStatus.Running, StartedAt = started }, cancellationToken);

        var rows = await transfer.ReadAsync(caller, job.Ids, job.Search, options.Value.MaxExportRows, cancellationToken);
        var visible = transfer.Columns(caller, rows);
        // Asked-for fields keep their order; one the caller may not see is not among the visible columns, so it stays out.
        var columns = job.Fields is { } fields ? [.. fields.Where(visible.Contains)] : visible;
        var xlsx = job.Format == ExportFormat.Xlsx;
        var fileName = $"{job.EntityType}-{started:yyyyMMdd-HHmmss}.{(xlsx ? "xlsx" : "csv")}";
        var content = xlsx
            ? XlsxFormat.Write(job.EntityType, columns, rows.Select(r => columns.Select(c => ExportTable.Value(r, c))))
            : Csv(columns, rows);
        await files.UploadAsync(files.Exports, TransferFiles.ExportFile(tenantId, job.Id, fileName), BinaryData.FromBytes(content),
            xlsx ? XlsxFormat.ContentType : "text/csv; charset=utf-8", cancellationToken);
        var what = job.Ids is not null ? $"{job.Ids.Count} ids" : $"search {CrmJson.Serialize(job.Search)}";
        await transfer.AuditExportAsync(caller, $"{rows.Count} rows as {(xlsx ? "XLSX" : "CSV")} (export job {job.Id}); {what}", cancellationToken);
        var now = clock.GetUtcNow();
        await jobs.SaveAsync(tenantId, job with
        {
            Status = TransferStatus.Succeeded, Total = rows.Count, Processed = rows.Count, FileName = fileName,
            FinishedAt = now, ExpiresAt = now.AddDays(options.Value.ExportFileDays),
        }, cancellationToken);
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
internal sealed class TransferFileExpiryJob(TransferFiles files, IOptions<TransferOptions> options, TimeProvider clock) : ITimerJob
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
