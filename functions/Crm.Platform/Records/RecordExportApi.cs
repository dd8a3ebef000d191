using System.Text;
using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Records;

/// <summary>Export settings (configuration section <c>Export</c>).</summary>
public sealed class ExportOptions
{
    /// <summary>More rows than this answer 400: a narrower filter, not a bigger file.</summary>
    public int MaxRows { get; set; } = 10_000;
}

/// <summary>
/// <c>GET /{type}/export?format=csv</c>: the records a list with the same filters shows the caller, with
/// their field rules applied, as CSV for Excel (UTF-8 with a byte order mark, RFC 4180 quoting).
/// </summary>
public static class RecordExportApi<T, TCreate, TService>
    where T : RecordBase where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    public static void Map(RouteGroupBuilder group, string pascalPlural, string module)
    {
        group.MapGet("/export", Export).RequirePermission($"{module}.{Permissions.Actions.Export}").WithName($"Export{pascalPlural}")
            .WithSummary($"Export the {pascalPlural.ToLowerInvariant()} a list with the same filters shows, as CSV (at most 10,000 rows by default)")
            .ProducesFile("text/csv").WithMetadata(ListParameters.Filters<T>(group));
    }

    public static async Task<IResult> Export(RecordWriter<T, TCreate, TService> records, TenantStore tenants, TimeProvider clock, IOptions<ExportOptions> options, HttpContext context,
        string? format = null, string? sort = null, string? q = null)
    {
        if ((format ?? "csv") != "csv")
        {
            throw new ValidationException("format", "The only format is 'csv'.");
        }
        var caller = context.Caller();
        var module = records.Store.TableName;
        var query = (await ListParameters.ReadAsync(context, tenants, caller.TenantId, clock)) with { Limit = 200, Cursor = null };
        var rows = new List<JsonObject>();
        do
        {
            var page = await records.ListAsync(caller, query, context.RequestAborted);
            rows.AddRange(page.Items.Select(r => RecordShape.Of(caller, module, r)));
            if (rows.Count > options.Value.MaxRows)
            {
                throw new ValidationException("$", $"The export would have more than {options.Value.MaxRows:N0} rows; narrow it with filters.", "export.too_large");
            }
            query = query with { Cursor = page.NextCursor };
        }
        while (query.Cursor is not null);

        var filters = string.Join('&', context.Request.Query.Select(p => $"{p.Key}={p.Value}"));
        await records.Store.AuditExportAsync(caller.Write(clock) with { ApiKeyId = caller.ApiKeyId }, $"{rows.Count} rows as CSV; {filters}", context.RequestAborted);
        var columns = ExportTable.Columns<T>(caller.Access.FieldRulesFor(module), rows);
        var fileName = $"{module}-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv";
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            await writer.WriteAsync(CsvFormat.Line(columns));
            foreach (var row in rows)
            {
                await writer.WriteAsync(CsvFormat.Line(columns.Select(c => CsvFormat.Cell(ExportTable.Value(row, c)))));
            }
        }, "text/csv; charset=utf-8", fileName);
    }
}

/// <summary>The columns and cells of an export, shared by the synchronous CSV export and the export jobs.</summary>
public static class ExportTable
{
    /// <summary>The record's fields in their JSON order (hidden ones left out), then every custom field seen, by name.</summary>
    public static List<string> Columns<T>(IReadOnlyDictionary<string, FieldAccess> rules, IEnumerable<JsonObject> rows) where T : RecordBase
    {
        var template = FieldRules.Apply(CrmJson.ToObject(Activator.CreateInstance<T>()), rules);
        var columns = template.Select(p => p.Key).Where(k => k != "customFields").ToList();
        columns.AddRange(rows.SelectMany(r => (r["customFields"] as JsonObject ?? []).Select(p => FieldRules.CustomFieldsPrefix + p.Key))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return columns;
    }

    public static JsonNode? Value(JsonObject row, string column) =>
        column.StartsWith(FieldRules.CustomFieldsPrefix, StringComparison.Ordinal)
            ? (row["customFields"] as JsonObject)?[column[FieldRules.CustomFieldsPrefix.Length..]]
            : row[column];
}
