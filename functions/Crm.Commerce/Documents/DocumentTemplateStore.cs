using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Storage;

namespace Crm.Commerce.Documents;

/// <summary>
/// Each tenant's templates: one row per kind (tenant partition, kind), replaced only with its ETag. A tenant that
/// never saved one reads the built-in template at version <see cref="BuiltInVersion"/>, which a first PUT names in If-Match.
/// </summary>
public sealed class DocumentTemplateStore(TableServiceClient service, StorageOptions storage)
{
    public const string TableName = "documenttemplates";
    public const string BuiltInVersion = "builtin";

    private TableClient Table { get; } = service.GetTableClient(storage.Table(TableName));

    public async Task<DocumentTemplateView> GetAsync(string tenantId, PrintableKind kind, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, DocumentLabels.Kind(kind), cancellationToken: cancellationToken);
        return row.HasValue ? Parse(kind, row.Value!) : new DocumentTemplateView(kind, true, BuiltInVersion, DocumentTemplates.Default);
    }

    /// <summary>
    /// Saves <paramref name="template"/> if the stored version is still <paramref name="ifMatch"/> (null: whatever is
    /// there); a write that lost a race with another one is a 412 too, since that other template is newer than the caller's.
    /// </summary>
    public async Task<DocumentTemplateView> PutAsync(string tenantId, PrintableKind kind, DocumentTemplate template, string? ifMatch,
        CancellationToken cancellationToken)
    {
        var key = DocumentLabels.Kind(kind);
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, key, cancellationToken: cancellationToken);
        var current = row.HasValue ? row.Value!.GetString("Version") : BuiltInVersion;
        if (ifMatch is not null && ifMatch != current)
        {
            throw new PreconditionFailedException("documentTemplate", key);
        }
        var version = Ids.New();
        var entity = new TableEntity(tenantId, key)
        {
            ["Version"] = version,
            ["Layout"] = JsonSerializer.SerializeToUtf8Bytes(template with { Html = null }, CrmJson.Options),
            ["Html"] = template.Html,
        };
        try
        {
            if (row.HasValue)
            {
                await Table.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await Table.AddEntityAsync(entity, cancellationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            throw new PreconditionFailedException("documentTemplate", key);
        }
        return new DocumentTemplateView(kind, false, version, template);
    }

    private static DocumentTemplateView Parse(PrintableKind kind, TableEntity row)
    {
        var layout = JsonSerializer.Deserialize<DocumentTemplate>(row.GetBinary("Layout"), CrmJson.Options)!;
        return new DocumentTemplateView(kind, false, row.GetString("Version"), layout with { Html = row.GetString("Html") });
    }
}
