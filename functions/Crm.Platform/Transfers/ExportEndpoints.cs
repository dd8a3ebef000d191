using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Domain.Transfers;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Transfers;

/// <summary>The body of <c>POST /api/v1/exports</c>: the records by id, or a search (the shape of <c>POST /{type}/search</c>).</summary>
public sealed record StartExport
{
    /// <summary>A selection from lists in a front end; more records are exported by a search.</summary>
    public const int MaxIds = 10_000;

    /// <summary>More than any record type has, custom fields included.</summary>
    public const int MaxFields = 500;

    [Required]
    public string EntityType { get; init; } = "";
    public IReadOnlyList<string>? Ids { get; init; }
    public SearchRequest? Search { get; init; }
    public ExportFormat Format { get; init; } = ExportFormat.Csv;

    /// <summary>The columns, in this order; fields the caller may not see stay out whatever is asked.</summary>
    public IReadOnlyList<string>? Fields { get; init; }
}

/// <summary>
/// <c>/api/v1/exports</c>: the file is written in the background to Blob Storage, with the same data scope and
/// field rules as the synchronous <c>GET /{type}/export</c>, and downloaded once ready.
/// </summary>
public static class ExportEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/exports").WithTags("Import and export");
        // The permission depends on the entity type in the body ({type}.export), so the handler checks it.
        group.MapPost("", Start).AnyCaller().WithName("StartExport").WithSummary("Export records by id or by a search, as CSV or XLSX, as a background job; 202 with the job");
        group.MapGet("/{id}", Get).AnyCaller().WithName("GetExport").WithSummary("An export job's status (its creator, or settings.manage)");
        group.MapPost("/{id}/cancel", Cancel).AnyCaller().WithName("CancelExport")
            .WithSummary("Stop a queued or running export; its file is not kept (409 transfer.finished once it has ended)");
        group.MapGet("/{id}/file", Download).AnyCaller().WithName("DownloadExport")
            .WithSummary("The exported file once the job has succeeded (409 export.not_ready before)")
            .ProducesFile("text/csv", XlsxFormat.ContentType).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Accepted<TransferJob>> Start(StartExport input, TransferCatalogue types, TransferJobStore jobs, IQueueSender queue,
        IOptions<TransferOptions> options, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        var transfer = types.Find(input.EntityType);
        caller.Require($"{transfer.EntityType}.{Permissions.Actions.Export}");
        if (input.Ids is not null && input.Search is not null)
        {
            throw new ValidationException("ids", "Give ids or a search, not both.");
        }
        var maxIds = Math.Min(StartExport.MaxIds, options.Value.MaxExportRows);
        if (input.Ids is { } ids && (ids.Count == 0 || ids.Count > maxIds || ids.Any(id => !Ids.IsWellFormed(id))))
        {
            throw new ValidationException("ids", $"Give 1 to {maxIds:N0} record ids; export more records by a search.");
        }
        if (input.Fields is { Count: > StartExport.MaxFields })
        {
            throw new ValidationException("fields", $"Give at most {StartExport.MaxFields} fields.");
        }
        if (input.Fields is { } fields && fields.Distinct(StringComparer.Ordinal).Count() != fields.Count)
        {
            throw new ValidationException("fields", "Name each field once.");
        }
        if (input.Search is { Sort: { Count: > 1 } or [null] })
        {
            throw new ValidationException("search.sort", "Give one sort order.");
        }
        var unknown = (input.Fields ?? []).Where(f => !f.StartsWith(ImportColumns.CustomFieldsPrefix, StringComparison.Ordinal)
            && !transfer.WritableFields.ContainsKey(f) && !transfer.ReadOnlyFields.Contains(f)).ToList();
        if (unknown.Count > 0 || input.Fields is { Count: 0 })
        {
            throw new ValidationException("fields", $"Unknown fields: {string.Join(", ", unknown)}.", "export.unknown_fields");
        }
        var now = clock.GetUtcNow();
        var job = new TransferJob
        {
            Id = Ids.New(now), Kind = TransferJob.Export, EntityType = transfer.EntityType, Status = TransferStatus.Queued,
            CreatedAt = now, CreatedBy = caller.UserId, ApiKeyId = caller.ApiKeyId, SourceIp = caller.SourceIp,
            Format = input.Format, Ids = input.Ids, Search = input.Search, Fields = input.Fields,
        };
        await jobs.SaveAsync(caller.TenantId, job, context.RequestAborted);
        await queue.SendAsync(RunExport.QueueName, new RunExport(caller.TenantId, job.Id), cancellationToken: context.RequestAborted);
        return TypedResults.Accepted($"/api/v1/exports/{job.Id}", job);
    }

    public static async Task<Ok<TransferJob>> Get(string id, TransferJobStore jobs, HttpContext context) =>
        TypedResults.Ok(await ImportEndpoints.FindOwnAsync(context, jobs, TransferJob.Export, id));

    public static async Task<Ok<TransferJob>> Cancel(string id, TransferJobStore jobs, TimeProvider clock, HttpContext context) =>
        TypedResults.Ok(await ImportEndpoints.CancelOwnAsync(context, jobs, clock, TransferJob.Export, id));

    public static async Task<IResult> Download(string id, TransferJobStore jobs, TransferFiles files, HttpContext context)
    {
        var job = await ImportEndpoints.FindOwnAsync(context, jobs, TransferJob.Export, id);
        if (job.Status != TransferStatus.Succeeded || job.FileName is null)
        {
            throw job.Status switch
            {
                TransferStatus.Failed => new ConflictException("export.failed", $"The export failed: {job.Error}"),
                TransferStatus.Cancelled => new ConflictException("export.cancelled", "The export was cancelled; it has no file."),
                _ => new ConflictException("export.not_ready", $"The export is {job.Status.ToString().ToLowerInvariant()}; try again when it has succeeded."),
            };
        }
        var blob = files.Exports.GetBlobClient(TransferFiles.ExportFile(context.Caller().TenantId, job.Id, job.FileName));
        if (!await blob.ExistsAsync(context.RequestAborted))
        {
            throw new ConflictException("export.expired", "The file has expired; start the export again.");
        }
        var stream = await blob.OpenReadAsync(cancellationToken: context.RequestAborted);
        return TypedResults.Stream(stream, job.Format == ExportFormat.Xlsx ? XlsxFormat.ContentType : "text/csv; charset=utf-8", job.FileName);
    }
}
