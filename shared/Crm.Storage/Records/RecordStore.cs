using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Storage.Events;

namespace Crm.Storage.Records;

/// <summary>What the recycle bin, audit log and outbox need of any record type, without its CLR type.</summary>
public interface IRecordStore
{
    string TypeName { get; }
    string TableName { get; }
    string Collection { get; }
    bool CanDelete { get; }

    /// <summary>Whether the records have an owner and a team, so data scope applies to them.</summary>
    bool IsOwned { get; }
    TableClient Table { get; }

    /// <summary>Fields a search, a simple filter or a saved view may name.</summary>
    IReadOnlySet<string> FilterableFields { get; }

    /// <summary>Answers 400 for a list query this record type cannot run (a custom-field sort: one the tenant has not made sortable).</summary>
    Task ValidateQueryAsync(string tenantId, ListQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Brings every record's custom-field sort rows in line with the fields sortable now, without touching the
    /// records themselves (no new version, no audit entry, no event). Returns how many records it rewrote.
    /// </summary>
    Task<int> RebuildSortRowsAsync(string tenantId, CancellationToken cancellationToken);
    Task<RecordBase> RestoreAsync(WriteContext context, string id, CancellationToken cancellationToken);

    /// <summary>The live record of this type, or null: for features that link to a record of any type (tasks, tags).</summary>
    Task<RecordBase?> FindRecordAsync(string tenantId, string id, CancellationToken cancellationToken);

    /// <summary>What the recycle bin, audit log and name sort show for the record.</summary>
    string DisplayNameOf(RecordBase record);

    Task PurgeAsync(WriteContext context, string id, CancellationToken cancellationToken);
}

/// <summary>
/// The record engine (ADR 0002). Each record type has a table; each tenant a partition in it. A
/// record, its index rows, its unique keys, its audit entries and its outbox event change in one
/// entity group transaction, so nothing is ever half-written and no index disagrees with its record.
/// </summary>
public sealed partial class RecordStore<T>(TableServiceClient service, StorageOptions options, RecordType<T> type, IOutboxNotifier outbox,
    ISortableFieldSource? sortableFields = null)
    : IRecordStore where T : RecordBase
{
    private const string DataProperty = "D";

    /// <summary>
    /// On the record row: the keys of the custom-field sort rows written for it. Which fields are sortable changes
    /// without the record changing, so the rows to remove on the next write are read from here, not derived.
    /// </summary>
    private const string SortKeysProperty = "SortKeys";

    /// <summary>A projection ($select) returns only the properties it names, the keys included.</summary>
    private const string KeyProperty = "RowKey";
    private const string IdProperty = "Id";
    private const string DeletedProperty = "Deleted";
    private const string BinKeyProperty = "BinKey";

    public RecordType<T> Type => type;
    public string TypeName => type.Name;
    public string TableName => type.Table;
    public string Collection => type.Collection;
    public bool CanDelete => type.CanDelete;
    public bool IsOwned { get; } = typeof(IOwnedRecord).IsAssignableFrom(typeof(T));
    public TableClient Table { get; } = service.GetTableClient(options.Table(type.Table));
    public IReadOnlySet<string> FilterableFields => type.FilterableFields;

    /// <summary>The live record, or null when it does not exist or is in the recycle bin.</summary>
    public async Task<T?> FindAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        var row = await ReadRowAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        return row is null || IsDeleted(row) ? null : Parse(row);
    }

    public async Task<RecordBase?> FindRecordAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false);

    public string DisplayNameOf(RecordBase record) => type.DisplayName((T)record);

    /// <summary>The record as it was deleted, or null when it is not in the recycle bin.</summary>
    public async Task<T?> FindInBinAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        var row = await ReadRowAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        return row is not null && IsDeleted(row) ? Parse(row) : null;
    }

    public async Task<T> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) =>
        await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException(type.Name, id);

    /// <summary>Reads several records at once (missing and deleted ones are left out).</summary>
    public async Task<IReadOnlyDictionary<string, T>> GetManyAsync(string tenantId, IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var found = await Task.WhenAll(distinct.Select(id => FindAsync(tenantId, id, cancellationToken))).ConfigureAwait(false);
        return found.OfType<T>().ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>The id holding a unique value, e.g. the user whose login is "admin".</summary>
    public async Task<string?> FindIdByUniqueKeyAsync(string tenantId, string keyName, string value, CancellationToken cancellationToken = default)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, RowKeys.Unique(keyName, value), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetString(IdProperty) : null;
    }

    /// <summary>Whether any live record has the indexed field set to the value (e.g. a department's users).</summary>
    public async Task<bool> AnyWithFieldAsync(string tenantId, string field, string value, CancellationToken cancellationToken = default)
    {
        var prefix = RowKeys.FieldPrefix(field, value);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {prefix} and RowKey lt {RowKeys.PrefixEnd(prefix)}");
        await foreach (var _ in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: [IdProperty], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return true;
        }
        return false;
    }

    private async Task<TableEntity?> ReadRowAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(id))
        {
            return null;
        }
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, RowKeys.Record(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    private static bool IsDeleted(TableEntity row) => row.GetBoolean(DeletedProperty) == true;

    private static T Parse(TableEntity row) => CrmJson.Deserialize<T>(row.GetString(DataProperty));

    private static string NewVersion() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// The rows that exist for a live record besides the record row itself: list indexes (carrying
    /// the record as their projection, so a page is one range read), search terms and unique keys; only
    /// the unique keys for a record its type does not list.
    /// </summary>
    private Dictionary<string, TableEntity> IndexRows(string tenantId, T record, string json, IReadOnlyList<SortableField> sortable)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        void Projection(string key) => rows[key] = new TableEntity(tenantId, key) { [IdProperty] = record.Id, [DataProperty] = json };

        foreach (var key in type.UniqueKeys(record))
        {
            rows[RowKeys.Unique(key.Name, key.Value)] = new TableEntity(tenantId, RowKeys.Unique(key.Name, key.Value)) { [IdProperty] = record.Id };
        }
        if (!type.IsListed(record))
        {
            return rows;
        }
        Projection(RowKeys.ByUpdated(record.UpdatedAt, record.Id));
        Projection(RowKeys.ByCreatedDesc(record.CreatedAt, record.Id));
        Projection(RowKeys.ByName(TextNormalizer.Normalize(type.DisplayName(record)), record.Id));
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var field in IndexedFields)
        {
            Projection(RowKeys.ByField(field, FieldText(node[field]), record.UpdatedAt, record.Id));
        }
        foreach (var (field, value) in MultiValuedIndex(record).Distinct())
        {
            Projection(RowKeys.ByField(field, value, record.UpdatedAt, record.Id));
        }
        foreach (var term in NormalizedTerms(record, NoFields).Distinct(StringComparer.Ordinal))
        {
            Projection(RowKeys.SearchTerm(term, record.Id));
        }
        foreach (var key in SortRowKeys(record, sortable))
        {
            Projection(key);
        }
        return rows;
    }

    /// <summary>Two rows per sortable field, ascending and descending, for a listed record; one without a value sorts last either way.</summary>
    private IEnumerable<string> SortRowKeys(T record, IReadOnlyList<SortableField> sortable)
    {
        if (!type.IsListed(record))
        {
            yield break;
        }
        foreach (var field in sortable)
        {
            var value = record.CustomFields[field.Key];
            yield return RowKeys.Sorted(field.Key, descending: false, SortValues.Ascending(field.Kind, value), record.Id);
            yield return RowKeys.Sorted(field.Key, descending: true, SortValues.Descending(field.Kind, value), record.Id);
        }
    }

    /// <summary>The tenant's sortable custom fields of this type: every one gets rows, even while its backfill runs.</summary>
    private Task<IReadOnlyList<SortableField>> SortableAsync(string tenantId, CancellationToken cancellationToken) =>
        (sortableFields ?? NoSortableFields.Instance).ForTypeAsync(tenantId, type.Table, cancellationToken);

    private static bool IsSortRow(string rowKey) => rowKey.StartsWith(RowKeys.SortRowPrefix, StringComparison.Ordinal);

    /// <summary>The sort rows a record row lists, as entities to delete (keys only).</summary>
    private static Dictionary<string, TableEntity> ListedSortRows(TableEntity recordRow) =>
        (recordRow.GetString(SortKeysProperty) is { Length: > 0 } text ? JsonSerializer.Deserialize<string[]>(text) ?? [] : [])
            .ToDictionary(k => k, k => new TableEntity(recordRow.PartitionKey, k), StringComparer.Ordinal);

    private static string SortKeysText(IEnumerable<string> rowKeys) => JsonSerializer.Serialize(rowKeys.Where(IsSortRow).Order(StringComparer.Ordinal).ToArray());

    /// <summary>Owned records are always indexed by owner: data scopes read them by owner range.</summary>
    private IReadOnlyList<string> IndexedFields =>
        IsOwned && !type.IndexedFields.Contains(OwnerField) ? [.. type.IndexedFields, OwnerField] : type.IndexedFields;

    /// <summary>Owned records are also indexed under each team member, so "records I am on the team of" is a range.</summary>
    private IEnumerable<KeyValuePair<string, string>> MultiValuedIndex(T record) =>
        record is IOwnedRecord owned
            ? type.MultiValuedIndex(record).Concat(owned.Team.Select(m => new KeyValuePair<string, string>(TeamField, m.UserId)))
            : type.MultiValuedIndex(record);

    public const string OwnerField = "ownerId";

    /// <summary>The index of team members' user ids (not a JSON field: <c>team</c> holds objects).</summary>
    public const string TeamField = "team";

    /// <summary>How a field's value reads in an index key and in an equality filter.</summary>
    internal static string FieldText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static bool IsUniqueKeyRow(string rowKey) => rowKey.StartsWith("k~", StringComparison.Ordinal);

    private static ETag AnyETag => ETag.All;
}
