using System.Text.Json;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Domain.Querying;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    /// <summary>
    /// Rows one list request may read when filters are evaluated in memory. The page then ends
    /// early with a cursor, so a request never does unbounded work and never silently truncates.
    /// </summary>
    public const int ScanBudget = 2_000;

    /// <summary>
    /// A page of records: a key-range read over one index (chosen from the sort, an indexed
    /// equality filter or the prefix search), continuing after the cursor's row key. Its cost
    /// depends on the page size, not on how many records the tenant has.
    /// </summary>
    public async Task<Page<T>> ListAsync(string tenantId, ListQuery query, CancellationToken cancellationToken = default)
    {
        Validate(query);
        await EnsureSortableAsync(tenantId, query.Sort, forList: true, cancellationToken).ConfigureAwait(false);
        if (query.Visibility is not null)
        {
            return await ListVisibleAsync(tenantId, query, cancellationToken).ConfigureAwait(false);
        }
        var (prefix, remaining) = ChooseRange(query);
        var hash = ListCursor.Hash(prefix, query.Sort, query.Q, JsonSerializer.Serialize(query.FieldEquals), JsonSerializer.Serialize(query.FilterGroups, CrmJson.Options));
        var cursor = ListCursor.Decode(query.Cursor, hash);
        var evaluator = new FilterEvaluator(query.FilterGroups, query.Now, query.Zone);
        var inMemory = remaining.Count > 0 || !evaluator.IsEmpty || query.Q is not null || prefix == RowKeys.RecordPrefix;

        var from = cursor?.LastKey ?? prefix;
        var to = RowKeys.PrefixEnd(prefix);
        var filter = cursor is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {from} and RowKey lt {to}");
        var pageSize = inMemory ? TableLimits.MaxQueryPage : query.Limit + 1;

        var items = new List<T>(query.Limit);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scanned = 0;
        string? lastReturnedKey = null;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, pageSize, [KeyProperty, DataProperty, DeletedProperty], cancellationToken).ConfigureAwait(false))
        {
            scanned++;
            var matched = IsDeleted(row) ? null : Match(row, remaining, evaluator);
            if (matched is not null && query.Q is not null && !IsFirstMatchingTerm(row.RowKey, matched, prefix, query.UnsearchableFields))
            {
                matched = null;
            }
            if (matched is not null && seen.Add(matched.Id))
            {
                if (items.Count == query.Limit)
                {
                    // A further match exists, so there is a next page; it starts after the last row returned.
                    return new Page<T>(items, new ListCursor(lastReturnedKey!, hash).Encode());
                }
                items.Add(matched);
                lastReturnedKey = row.RowKey;
            }
            if (scanned >= ScanBudget)
            {
                return new Page<T>(items, new ListCursor(row.RowKey, hash).Encode());
            }
        }
        return new Page<T>(items, null);
    }

    /// <summary>
    /// Every match of a query, page after page: for rules that must see all of them (cascades, "is it
    /// in use"). A page may end early on the scan budget with a cursor, so only the cursor says "done".
    /// </summary>
    public async IAsyncEnumerable<T> ListAllAsync(string tenantId, ListQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        do
        {
            var page = await ListAsync(tenantId, query, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }
            query = query with { Cursor = page.NextCursor };
        }
        while (query.Cursor is not null);
    }

    private void Validate(ListQuery query)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Limit is < 1 or > 200)
        {
            errors["limit"] = ["Must be between 1 and 200."];
        }
        if (!ListQuery.Sorts.Contains(query.Sort) && !ListQuery.IsCustomFieldSort(query.Sort, out _, out _))
        {
            errors["sort"] = [$"Must be one of: {string.Join(", ", ListQuery.Sorts)}."];
        }
        foreach (var (field, _) in query.FieldEquals.Where(f => !type.FilterableFields.Contains(f.Key)))
        {
            errors[field] = [$"'{field}' cannot be filtered on."];
        }
        if (query.Q is { } q && (TextNormalizer.Normalize(q).Length == 0 || q.Length > 100))
        {
            errors["q"] = ["Must have 1 to 100 characters besides spaces."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        FilterEvaluator.Validate(query.FilterGroups, new HashSet<string>(type.FilterableFields, StringComparer.Ordinal));
    }

    /// <summary>The index whose key range answers the query best, and the equality filters it leaves.</summary>
    private (string Prefix, List<KeyValuePair<string, string>> Remaining) ChooseRange(ListQuery query)
    {
        var remaining = query.FieldEquals.ToList();
        if (query.Q is not null)
        {
            return (RowKeys.SearchPrefix(SearchTerm(query.Q)), remaining);
        }
        if (query.Sort == ListQuery.DefaultSort && remaining.FindIndex(f => IndexedFields.Contains(f.Key)) is var i and >= 0)
        {
            var indexed = remaining[i];
            remaining.RemoveAt(i);
            return (RowKeys.FieldPrefix(indexed.Key, indexed.Value), remaining);
        }
        if (ListQuery.IsCustomFieldSort(query.Sort, out var key, out var descending))
        {
            return (RowKeys.SortPrefix(key, descending), remaining);
        }
        return (query.Sort switch
        {
            "-createdAt" => "i~c~",
            "createdAt" => RowKeys.RecordPrefix,
            "name" => "i~n~",
            _ => "i~m~",
        }, remaining);
    }

    /// <summary>
    /// A record has a search row per term (name, login, e-mail...). A prefix search shows it at the first
    /// of its rows in the range only, so that no later page repeats it, and only by a term of a field the
    /// caller may search: the row itself does not say which field its term came from, the record does.
    /// </summary>
    private bool IsFirstMatchingTerm(string rowKey, T record, string searchPrefix, IReadOnlySet<string> unsearchable)
    {
        var first = NormalizedTerms(record, unsearchable)
            .Select(t => RowKeys.SearchTerm(t, record.Id))
            .Where(k => k.StartsWith(searchPrefix, StringComparison.Ordinal))
            .Min(StringComparer.Ordinal);
        return first is null ? unsearchable.Count == 0 : first == rowKey;
    }

    private static readonly IReadOnlySet<string> NoFields = new HashSet<string>();

    /// <summary>The record's search terms as its rows hold them, leaving out those of the given fields.</summary>
    private IEnumerable<string> NormalizedTerms(T record, IReadOnlySet<string> leftOut) =>
        type.SearchTerms(record).Where(t => !leftOut.Contains(t.Field)).Select(t => TextNormalizer.Normalize(t.Text)).Where(t => t.Length > 0);

    /// <summary>
    /// Phones are indexed as digits, so a query typed like a phone ("+86 138-0013") searches by its
    /// digits; anything else by its normalised text.
    /// </summary>
    private static string SearchTerm(string q) =>
        q.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')' or '.') && q.Count(char.IsAsciiDigit) >= 3
            ? TextNormalizer.Digits(q)
            : TextNormalizer.Normalize(q);

    private static T? Match(TableEntity row, List<KeyValuePair<string, string>> equals, FilterEvaluator evaluator)
    {
        var json = row.GetString(DataProperty);
        if (equals.Count == 0 && evaluator.IsEmpty)
        {
            return CrmJson.Deserialize<T>(json);
        }
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        foreach (var (field, value) in equals)
        {
            var actual = root.TryGetProperty(field, out var p) ? FieldText(System.Text.Json.Nodes.JsonNode.Parse(p.GetRawText())) : "";
            // Exact, as the index range that answers the same filter under the default sort is.
            if (!string.Equals(actual, value, StringComparison.Ordinal))
            {
                return null;
            }
        }
        return evaluator.Matches(root) ? CrmJson.Deserialize<T>(json) : null;
    }
}
