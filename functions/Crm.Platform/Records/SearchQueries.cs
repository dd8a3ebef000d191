using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>A search body (<c>POST /api/v1/{type}/search</c>, a saved view) as the store's list query.</summary>
public static class SearchQueries
{
    public static ListQuery From(SearchRequest request, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (request.Sort is { Count: > 1 } or [null])
        {
            throw new ValidationException("sort", "Give one sort order.");
        }
        // A custom field is sortable only when the tenant made it so: the store answers the rest (400 or 409).
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
