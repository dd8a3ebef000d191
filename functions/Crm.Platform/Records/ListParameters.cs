using Crm.Domain.Common;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Platform.Records;

/// <summary>Reads <c>limit, cursor, sort, q</c> and simple field filters from the query string.</summary>
public static class ListParameters
{
    private static readonly HashSet<string> Reserved = ["limit", "cursor", "sort", "q", "format"];

    public static async Task<ListQuery> ReadAsync(HttpContext context, TenantStore tenants, string tenantId, TimeProvider clock)
    {
        var query = context.Request.Query;
        var limit = 50;
        if (query.TryGetValue("limit", out var raw) && !int.TryParse(raw, out limit))
        {
            throw new ValidationException("limit", "Must be a whole number between 1 and 200.");
        }
        var tenant = await tenants.FindAsync(tenantId, context.RequestAborted);
        return new ListQuery
        {
            Limit = limit,
            Cursor = NullIfEmpty(query["cursor"]),
            Sort = NullIfEmpty(query["sort"]) ?? ListQuery.DefaultSort,
            Q = NullIfEmpty(query["q"]),
            FieldEquals = query.Where(p => !Reserved.Contains(p.Key))
                .Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString())).ToList(),
            Now = clock.GetUtcNow(),
            Zone = tenant?.Zone ?? TimeZoneInfo.Utc,
        };
    }

    /// <summary>The paging and period rules of the logs (audit, login, recycle bin), which are not record lists.</summary>
    public static void EnsureLogPage(int limit, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        if (limit is < 1 or > 200)
        {
            throw new ValidationException("limit", "Must be between 1 and 200.");
        }
        if (from > to)
        {
            throw new ValidationException("from", "Must not be after 'to'.");
        }
    }

    /// <summary>The field filters a list of <typeparamref name="T"/> takes, for the OpenAPI document.</summary>
    public static ListFilters Filters<T>(IEndpointRouteBuilder routes) where T : RecordBase =>
        new(typeof(T), routes.ServiceProvider.GetRequiredService<RecordStore<T>>().Type.FilterableFields);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
