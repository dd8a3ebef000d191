using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Domain.Transfers;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Platform.Transfers;

public enum ImportOutcome
{
    Created, Updated, Skipped,
}

/// <summary>
/// What import and export jobs need of one owned record type, registered by <c>AddOwnedRecords</c> so that every
/// owned type (leads included, once they exist) can be imported and exported without the jobs knowing it.
/// </summary>
public interface IRecordTransfer
{
    /// <summary>The table name: the permission module, the field-rule entity and the <c>entityType</c> of a job.</summary>
    string EntityType { get; }
    string TypeName { get; }
    IReadOnlyDictionary<string, CellKind> WritableFields { get; }
    IReadOnlySet<string> ReadOnlyFields { get; }
    bool CanMatchBy(string keyField);
    Task<IReadOnlyDictionary<string, string>> MarksAsync(string tenantId, string keyPrefix, CancellationToken cancellationToken);
    Task<ImportOutcome> ImportAsync(Caller caller, JsonObject body, ImportMode mode, string? keyField, string? key, CancellationToken cancellationToken);
    Task<List<JsonObject>> ReadAsync(Caller caller, IReadOnlyList<string>? ids, SearchRequest? search, int maxRows, CancellationToken cancellationToken);
    List<string> Columns(Caller caller, IEnumerable<JsonObject> rows);
    Task AuditExportAsync(Caller caller, string note, CancellationToken cancellationToken);
}

public sealed class RecordTransfer<T, TCreate, TService>(RecordWriter<T, TCreate, TService> records, TenantStore tenants, TimeProvider clock) : IRecordTransfer
    where T : RecordBase where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    private static readonly IReadOnlyDictionary<string, CellKind> Writable = FieldsOf(typeof(TCreate), "");
    private static readonly IReadOnlySet<string> ReadOnly = CrmJson.ToObject(Activator.CreateInstance<T>()).Select(p => p.Key)
        .Where(k => !Writable.ContainsKey(k) && k != "customFields").ToHashSet(StringComparer.OrdinalIgnoreCase);

    public string EntityType => records.Store.TableName;
    public string TypeName => records.Store.TypeName;
    public IReadOnlyDictionary<string, CellKind> WritableFields => Writable;
    public IReadOnlySet<string> ReadOnlyFields => ReadOnly;

    public bool CanMatchBy(string keyField) => keyField == "id" || records.Store.Type.FilterableFields.Contains(keyField);

    public Task<IReadOnlyDictionary<string, string>> MarksAsync(string tenantId, string keyPrefix, CancellationToken cancellationToken) =>
        records.Store.MarksAsync(tenantId, keyPrefix, cancellationToken);

    /// <summary>
    /// One row through the API's own create and update (request validation, field rules, dictionaries, custom
    /// fields, owner scope, unique names): an import can do nothing the caller could not do by hand.
    /// </summary>
    public async Task<ImportOutcome> ImportAsync(Caller caller, JsonObject body, ImportMode mode, string? keyField, string? key, CancellationToken cancellationToken)
    {
        if (mode == ImportMode.UpdateByKey && keyField is not null)
        {
            if (keyField == "id")
            {
                body.Remove("id");
            }
            if (key is not null && await FindAsync(caller, keyField, body[keyField]?.DeepClone() ?? JsonValue.Create(key), cancellationToken) is { } existing)
            {
                await records.UpdateAsync(caller, existing.Id, null, body, cancellationToken);
                return ImportOutcome.Updated;
            }
            if (keyField == "id")
            {
                throw new NotFoundException(TypeName, key ?? "");
            }
        }
        try
        {
            var input = RequestValidation.Validate(RequestValidation.Bind<TCreate>(body));
            await records.CreateAsync(caller, input, cancellationToken);
            return ImportOutcome.Created;
        }
        catch (ConflictException e) when (e.Code == RecordStore<T>.AlreadyWritten)
        {
            return ImportOutcome.Created; // written by this row before a crash; the mark says so
        }
        catch (ConflictException e) when (mode == ImportMode.SkipDuplicates && e.Code.Contains("duplicate", StringComparison.Ordinal))
        {
            return ImportOutcome.Skipped;
        }
    }

    private async Task<T?> FindAsync(Caller caller, string keyField, JsonNode key, CancellationToken cancellationToken)
    {
        if (keyField == "id")
        {
            try
            {
                return await records.ReadAsync(caller, key.GetValue<string>(), cancellationToken);
            }
            catch (NotFoundException)
            {
                return null;
            }
        }
        var query = new ListQuery { FilterGroups = [new FilterGroup([new Filter(keyField, FilterOperator.Eq, JsonSerializer.SerializeToElement(key))])], Limit = 2 };
        var page = await records.ListAsync(caller, query, cancellationToken);
        return page.Items.Count > 1
            ? throw new ConflictException("import.ambiguous_key", $"More than one {TypeName} has {keyField} '{key}'; match by id instead.")
            : page.Items.Count == 0 ? null : page.Items[0];
    }

    /// <summary>The records the caller may see, as they may see them (field rules applied): by id, or by a search.</summary>
    public async Task<List<JsonObject>> ReadAsync(Caller caller, IReadOnlyList<string>? ids, SearchRequest? search, int maxRows, CancellationToken cancellationToken)
    {
        var rows = new List<JsonObject>();
        if (ids is not null)
        {
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                // An id outside the caller's scope is left out, as a list would leave it out.
                if (await Visible(caller, id, cancellationToken) is { } visible)
                {
                    rows.Add(RecordShape.Of(caller, EntityType, visible));
                }
            }
            return rows;
        }
        var tenant = await tenants.FindAsync(caller.TenantId, cancellationToken);
        // The search as POST /{type}/search reads it, from its first page, in the largest pages a list allows.
        var query = SearchQueries.From((search ?? new SearchRequest()) with { Limit = 200, Cursor = null }, clock.GetUtcNow(), tenant?.Zone ?? TimeZoneInfo.Utc);
        do
        {
            var page = await records.ListAsync(caller, query, cancellationToken);
            rows.AddRange(page.Items.Select(r => RecordShape.Of(caller, EntityType, r)));
            if (rows.Count > maxRows)
            {
                throw new ValidationException("$", $"The export would have more than {maxRows:N0} rows; narrow the search.", "export.too_large");
            }
            query = query with { Cursor = page.NextCursor };
        }
        while (query.Cursor is not null);
        return rows;
    }

    private async Task<T?> Visible(Caller caller, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await records.ReadAsync(caller, id, cancellationToken);
        }
        catch (DomainException e) when (e is NotFoundException or ForbiddenException)
        {
            return null;
        }
    }

    public List<string> Columns(Caller caller, IEnumerable<JsonObject> rows) => ExportTable.Columns<T>(caller.Access.FieldRulesFor(EntityType), rows);

    public Task AuditExportAsync(Caller caller, string note, CancellationToken cancellationToken) =>
        records.Store.AuditExportAsync(caller.Write(clock), note, cancellationToken);

    /// <summary>The request type's JSON fields and how a cell fills each; nested objects also field by field (<c>address.city</c>).</summary>
    private static Dictionary<string, CellKind> FieldsOf(Type type, string prefix)
    {
        var fields = new Dictionary<string, CellKind>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var name = prefix + JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t == typeof(JsonObject) || t == typeof(JsonNode) || t == typeof(JsonElement))
            {
                continue; // customFields: columns come from the tenant's definitions
            }
            if (t == typeof(bool))
            {
                fields[name] = CellKind.Boolean;
            }
            else if (t.IsPrimitive || t == typeof(decimal))
            {
                fields[name] = CellKind.Number;
            }
            else if (t == typeof(string) || t.IsEnum || t.IsValueType)
            {
                fields[name] = CellKind.Text;
            }
            else if (typeof(IEnumerable).IsAssignableFrom(t))
            {
                fields[name] = t.IsGenericType && t.GetGenericArguments() is [var item] && item == typeof(string) ? CellKind.List : CellKind.Json;
            }
            else
            {
                fields[name] = CellKind.Json;
                if (prefix.Length == 0)
                {
                    foreach (var (path, kind) in FieldsOf(t, name + "."))
                    {
                        fields[path] = kind;
                    }
                }
            }
        }
        return fields;
    }
}
