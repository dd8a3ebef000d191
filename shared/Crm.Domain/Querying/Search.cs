using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Domain.Querying;

public enum FilterOperator
{
    Eq, Ne, Lt, Le, Gt, Ge, In, Nin, Between, Contains, StartsWith, IsNull, IsNotNull,
    LastNDays, NextNDays, ThisMonth, LastMonth, ThisQuarter, ThisYear,
}

public enum SortDirection
{
    Asc,
    Desc,
}

/// <summary>One condition: <c>{"field":"amount","op":"gt","value":1000}</c>.</summary>
public sealed record Filter(string Field, FilterOperator Op, JsonElement? Value = null);

/// <summary>Filters in a group are AND-ed; groups are OR-ed.</summary>
public sealed record FilterGroup(IReadOnlyList<Filter> Filters);

public sealed record SortOrder(string Field, SortDirection Dir = SortDirection.Asc);

/// <summary>The body of <c>POST /api/v1/{type}/search</c>.</summary>
public sealed record SearchRequest
{
    public IReadOnlyList<FilterGroup>? FilterGroups { get; init; }
    public IReadOnlyList<SortOrder>? Sort { get; init; }
    public int? Limit { get; init; }
    public string? Cursor { get; init; }
    public string? Q { get; init; }
}
