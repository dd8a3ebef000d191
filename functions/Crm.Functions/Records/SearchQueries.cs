using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Storage.Records;

namespace Crm.Functions.Records;

/// <summary>A search body (<c>POST /api/v1/{type}/search</c>, a saved view) as the store's list query.</summary>
internal static class SearchQueries
{
    public static ListQuery From(SearchRequest request, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (request.Sort is { Count: > 1 } or [null])
        {
            throw new ValidationException("sort", "Give one sort order.");
        }
        if (request.Sort is [{ Field: var sortField }] && sortField?.StartsWith(FieldRules.CustomFieldsPrefix, StringComparison.Ordinal) == true)
        {
            // A page is one key-range read over an index (updatedAt, createdAt, name); custom fields have no index,
            // and sorting on one would mean reading every matching record before answering the first page.
            throw new ValidationException("sort", $"Cannot sort by '{sortField}': lists page over indexes, and custom fields are not indexed. Filter on it instead and sort by one of: {string.Join(", ", ListQuery.Sorts.Select(x => x.TrimStart('-')).Distinct())}.", "search.sort_unsupported");
        }
        return new ListQuery
        {
            FilterGroups = request.FilterGroups ?? [],
            Sort = request.Sort is [var s] ? (s.Dir == SortDirection.Desc ? "-" : "") + s.Field : ListQuery.DefaultSort,
            Limit = request.Limit ?? 50,
            Cursor = request.Cursor,
            Q = request.Q,
            Now = now,
            Zone = zone,
        };
    }
}
