using Crm.Domain.Querying;

namespace Crm.Storage.Records;

/// <summary>One page of a list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// A list request as the store understands it. <see cref="Equals"/> holds simple field filters
/// (query parameters); one on an indexed field turns the scan into a key range.
/// </summary>
public sealed record ListQuery
{
    public const string DefaultSort = "-updatedAt";
    public static readonly IReadOnlyList<string> Sorts = ["-updatedAt", "-createdAt", "createdAt", "name"];

    /// <summary>A sort by a custom field: <c>customFields.{key}</c>, or <c>-customFields.{key}</c> for descending.</summary>
    public const string CustomFieldSortPrefix = "customFields.";

    /// <summary>The custom field a sort names, if it names one (whether that field is sortable is the tenant's to say).</summary>
    public static bool IsCustomFieldSort(string sort, out string key, out bool descending)
    {
        descending = sort.StartsWith('-');
        var field = descending ? sort[1..] : sort;
        key = field.StartsWith(CustomFieldSortPrefix, StringComparison.Ordinal) ? field[CustomFieldSortPrefix.Length..] : "";
        return key.Length > 0;
    }

    public string Sort { get; init; } = DefaultSort;
    public IReadOnlyList<KeyValuePair<string, string>> FieldEquals { get; init; } = [];
    public string? Q { get; init; }
    public IReadOnlyList<FilterGroup> FilterGroups { get; init; } = [];
    public int Limit { get; init; } = 50;
    public string? Cursor { get; init; }
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>For owned records: only these are listed (data scope); null lists every record.</summary>
    public ListVisibility? Visibility { get; init; }

    /// <summary>
    /// Fields whose search terms do not match for this caller (hidden or masked from them): which records a
    /// prefix matches would tell the value digit by digit. A record matching only by such a term is left out.
    /// </summary>
    public IReadOnlySet<string> UnsearchableFields { get; init; } = new HashSet<string>();
}

/// <summary>
/// Which owned records a caller sees: those of the owners their scope covers, and those whose team
/// they are an active member of (at <see cref="ListQuery.Now"/>).
/// </summary>
public sealed record ListVisibility(IReadOnlySet<string> Owners, string MemberId);
