using System.ComponentModel;
using System.Text;
using System.Text.Json;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Domain.Transfers;
using Crm.Platform.Access;
using Crm.Platform.CustomFields;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Transfers;

/// <summary>
/// The parts of an import's multipart/form-data body, as the OpenAPI document shows them; <see cref="ImportEndpoints.Start"/>
/// reads them from the form itself, to answer each missing or wrong part with its own problem code.
/// </summary>
public sealed record ImportForm(
    [property: Description("The CSV (UTF-8, with or without a byte order mark) or XLSX file; its first row names the columns.")] IFormFile File,
    [property: Description("The record type the rows are: customers, contacts, leads, opportunities or followups.")] string EntityType,
    [property: Description("create (the default), skipDuplicates, or updateByKey.")] ImportMode? Mode = null,
    [property: Description("With updateByKey: id or a filterable field that matches each row to one record.")] string? KeyField = null,
    [property: Description("true: check every row and report, write nothing.")] bool? DryRun = null) : IMultipartForm;

/// <summary>
/// <c>/api/v1/imports</c>: a CSV or XLSX file is checked at once (size, header, columns) and its rows are then
/// written in the background, each through the same create and update as the API.
/// </summary>
public static class ImportEndpoints
{
    public static void Map(IEndpointRouteBuilder api, TransferOptions options)
    {
        var group = api.MapGroup("/api/v1/imports").WithTags("Import and export");
        // The permission depends on the entity type in the form ({type}.import), so the handler checks it.
        group.MapPost("", Start).AnyCaller().DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxImportBytes + 64 * 1024))
            .WithName("StartImport").WithSummary("Import a CSV or XLSX file of records as a background job; 202 with the job")
            .Accepts<ImportForm>("multipart/form-data").Produces<TransferJob>(StatusCodes.Status202Accepted);
        group.MapGet("/{id}", Get).AnyCaller().WithName("GetImport").WithSummary("An import job's status and counts (its creator, or settings.manage)");
        group.MapPost("/{id}/cancel", Cancel).AnyCaller().WithName("CancelImport")
            .WithSummary("Stop a queued or running import; rows already written stay (409 transfer.finished once it has ended)");
        group.MapGet("/{id}/errors", Errors).AnyCaller().WithName("GetImportErrors")
            .WithSummary("The rows an import rejected, as CSV: row number, the row's cells, the problem code, field and reason")
            .ProducesFile("text/csv");
    }

    public static async Task<IResult> Start(HttpContext context, TransferCatalogue types, TransferJobStore jobs, TransferFiles files, CustomFieldDirectory customFields,
        IQueueSender queue, IOptions<TransferOptions> options, TimeProvider clock)
    {
        var caller = context.Caller();
        var cancellationToken = context.RequestAborted;
        if (!context.Request.HasFormContentType)
        {
            await ProblemWriter.WriteAsync(context, 415, "import.multipart_required", "Unsupported media type", "Send the file as multipart/form-data with a 'file' part.");
            return Results.Empty;
        }
        var form = await context.Request.ReadMultipartAsync(cancellationToken);
        var transfer = types.Find(form["entityType"]);
        caller.Require($"{transfer.EntityType}.{Permissions.Actions.Import}");
        var mode = Enum<ImportMode>(form["mode"], "mode", ImportMode.Create);
        var keyField = form["keyField"].ToString() is { Length: > 0 } k ? k : null;
        if (mode == ImportMode.UpdateByKey)
        {
            caller.Require($"{transfer.EntityType}.{Permissions.Actions.Edit}");
            if (keyField is null || !transfer.CanMatchBy(keyField))
            {
                throw new ValidationException("keyField", $"updateByKey needs a keyField: 'id' or a filterable field of {transfer.EntityType}.", "import.invalid_key_field");
            }
        }
        else
        {
            keyField = null;
        }
        var dryRun = form["dryRun"].ToString() is { Length: > 0 } d
            ? bool.TryParse(d, out var b) ? b : throw new ValidationException("dryRun", "Give true or false.")
            : false;
        var file = form.Files["file"] ?? throw new ValidationException("file", "Attach the file as the 'file' part.", "import.file_required");
        if (file.Length > options.Value.MaxImportBytes)
        {
            throw new PayloadTooLargeException("import.file_too_large", $"The file may have at most {options.Value.MaxImportBytes:N0} bytes.");
        }
        if (file.Length == 0)
        {
            throw new ValidationException("file", "The file is empty.", "import.empty_file");
        }
        var cells = Read(file, options.Value.MaxImportRows);
        var definitions = await customFields.ForEntityAsync(caller.TenantId, transfer.EntityType, cancellationToken);
        var mapping = ImportColumns.Map(cells.Header, transfer.WritableFields, transfer.ReadOnlyFields,
            [.. definitions.Where(f => f.Active).Select(f => new ImportColumns.CustomColumn(f.Key, f.Label, KindOf(f.Type)))], keyField == "id" ? "id" : null);
        if (keyField is not null && keyField != "id" && mapping.Columns.All(c => c.Path != keyField))
        {
            throw new ValidationException("keyField", $"The file has no '{keyField}' column to match records by.", "import.key_column_missing");
        }
        if (cells.Rows.Count == 0)
        {
            throw new ValidationException("file", "The file has a header but no rows.", "import.no_rows");
        }

        var now = clock.GetUtcNow();
        var job = new TransferJob
        {
            Id = Ids.New(now), Kind = TransferJob.Import, EntityType = transfer.EntityType, Status = TransferStatus.Queued, Total = cells.Rows.Count,
            CreatedAt = now, CreatedBy = caller.UserId, ApiKeyId = caller.ApiKeyId, SourceIp = caller.SourceIp,
            Mode = mode, KeyField = keyField, DryRun = dryRun, SourceFileName = Path.GetFileName(file.FileName),
            IgnoredColumns = mapping.Ignored, Columns = cells.Header,
        };
        await files.UploadAsync(files.Imports, TransferFiles.ImportSource(caller.TenantId, job.Id), BinaryData.FromObjectAsJson(new ImportUpload(cells, mapping.Columns), CrmJson.Options), "application/json", cancellationToken);
        await jobs.SaveAsync(caller.TenantId, job, cancellationToken);
        await queue.SendAsync(RunImport.QueueName, new RunImport(caller.TenantId, job.Id), cancellationToken: cancellationToken);
        return TypedResults.Accepted($"/api/v1/imports/{job.Id}", job);
    }

    public static async Task<Ok<TransferJob>> Get(string id, TransferJobStore jobs, HttpContext context) =>
        TypedResults.Ok(await FindOwnAsync(context, jobs, TransferJob.Import, id));

    public static async Task<Ok<TransferJob>> Cancel(string id, TransferJobStore jobs, TimeProvider clock, HttpContext context) =>
        TypedResults.Ok(await CancelOwnAsync(context, jobs, clock, TransferJob.Import, id));

    public static async Task<IResult> Errors(string id, TransferJobStore jobs, HttpContext context)
    {
        var job = await FindOwnAsync(context, jobs, TransferJob.Import, id);
        var tenantId = context.Caller().TenantId;
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            await writer.WriteAsync(CsvFormat.Line(["row", .. job.Columns ?? [], "code", "field", "reason"]));
            await foreach (var error in jobs.ErrorsAsync(tenantId, job.Id, context.RequestAborted))
            {
                await writer.WriteAsync(CsvFormat.Line([error.Row.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    .. error.Values.Select(CsvFormat.Defuse), error.Code, error.Field ?? "", CsvFormat.Defuse(error.Reason)]));
            }
        }, "text/csv; charset=utf-8", $"import-{job.Id}-errors.csv");
    }

    /// <summary>A job is seen by whoever started it and by settings managers; to anyone else it does not exist.</summary>
    public static async Task<TransferJob> FindOwnAsync(HttpContext context, TransferJobStore jobs, string kind, string id)
    {
        var caller = context.Caller();
        var job = await jobs.FindAsync(caller.TenantId, kind, id, context.RequestAborted);
        return job is not null && (job.CreatedBy == caller.UserId || caller.Access.Has(Permissions.SettingsManage))
            ? job : throw new NotFoundException(kind, id);
    }

    /// <summary>Cancels a job its caller may see; cancelling a cancelled job again answers it as it is.</summary>
    public static async Task<TransferJob> CancelOwnAsync(HttpContext context, TransferJobStore jobs, TimeProvider clock, string kind, string id)
    {
        await FindOwnAsync(context, jobs, kind, id);
        var job = await jobs.CancelAsync(context.Caller().TenantId, kind, id, clock.GetUtcNow(), context.RequestAborted) ?? throw new NotFoundException(kind, id);
        return job.Status == TransferStatus.Cancelled ? job
            : throw new ConflictException("transfer.finished", $"The {kind} has already {job.Status.ToString().ToLowerInvariant()}; only a queued or running job can be cancelled.");
    }

    private static CellTable Read(IFormFile file, int maxRows)
    {
        using var stream = file.OpenReadStream();
        var xlsx = file.FileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) || file.ContentType == XlsxFormat.ContentType;
        try
        {
            return xlsx ? XlsxFormat.Read(stream, maxRows) : CsvFormat.Read(stream, maxRows);
        }
        catch (TooManyRowsException e)
        {
            throw new ValidationException("file", e.Message, "import.too_many_rows");
        }
        catch (DecoderFallbackException)
        {
            throw new ValidationException("file", "A CSV file must be UTF-8 (with or without a byte order mark).", "import.not_utf8");
        }
        catch (Exception e) when (xlsx && e is not DomainException and not OperationCanceledException)
        {
            throw new ValidationException("file", "The file is not a readable XLSX workbook.", "import.unreadable_file");
        }
    }

    private static T Enum<T>(string? text, string field, T fallback) where T : struct, System.Enum =>
        string.IsNullOrEmpty(text) ? fallback
        : System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && !int.TryParse(text, out _) ? value
        : throw new ValidationException(field, $"Give one of: {string.Join(", ", System.Enum.GetNames<T>().Select(JsonNamingPolicy.CamelCase.ConvertName))}.");

    private static CellKind KindOf(CustomFieldType type) => type switch
    {
        CustomFieldType.Number => CellKind.Number,
        CustomFieldType.Boolean => CellKind.Boolean,
        CustomFieldType.MultiPicklist => CellKind.List,
        _ => CellKind.Text, // money is accepted as text ("12.50"), dates and the rest are text in JSON
    };
}
