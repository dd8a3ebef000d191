using System.Globalization;
using System.Text.Json;
using Crm.Domain.Common;

namespace Crm.Domain.Querying;

/// <summary>
/// Evaluates filter groups against a record's JSON. Used where no index answers a query: the
/// store scans an index range (bounded, paged) and keeps the records this says match.
/// </summary>
public sealed class FilterEvaluator(IReadOnlyList<FilterGroup> groups, DateTimeOffset now, TimeZoneInfo zone)
{
    public bool IsEmpty => groups.Count == 0;

    public bool Matches(JsonElement record) =>
        groups.Count == 0 || groups.Any(g => (g.Filters ?? []).All(f => Matches(record, f)));

    /// <summary>Checks fields and operator/value shapes before any read, so bad input is a 400.</summary>
    public static void Validate(IReadOnlyList<FilterGroup> groups, ISet<string> filterableFields, string path = "filterGroups")
    {
        var errors = new Dictionary<string, string[]>();
        for (var g = 0; g < groups.Count; g++)
        {
            if (groups[g] is null)
            {
                errors[$"{path}[{g}]"] = ["Required."];
                continue;
            }
            var filters = groups[g].Filters ?? [];
            for (var i = 0; i < filters.Count; i++)
            {
                var f = filters[i];
                var at = $"{path}[{g}].filters[{i}]";
                if (f is null)
                {
                    errors[at] = ["Required."];
                    continue;
                }
                if (f.Field is null || !(filterableFields.Contains(f.Field) || f.Field.StartsWith("customFields.", StringComparison.Ordinal)))
                {
                    errors[$"{at}.field"] = [$"'{f.Field}' cannot be filtered on. Allowed: {string.Join(", ", filterableFields.Order(StringComparer.Ordinal))}, customFields.<name>."];
                    continue;
                }
                var problem = ValueProblem(f);
                if (problem is not null)
                {
                    errors[$"{at}.value"] = [problem];
                }
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors, "search.invalid_filter");
        }
    }

    private static string? ValueProblem(Filter f) => f.Op switch
    {
        FilterOperator.IsNull or FilterOperator.IsNotNull or FilterOperator.ThisMonth or FilterOperator.LastMonth
            or FilterOperator.ThisQuarter or FilterOperator.ThisYear => null,
        FilterOperator.In or FilterOperator.Nin => f.Value is { ValueKind: JsonValueKind.Array } ? null : "Must be an array.",
        FilterOperator.Between => f.Value is { ValueKind: JsonValueKind.Array } v && v.GetArrayLength() == 2 ? null : "Must be an array of two values [from, to].",
        FilterOperator.LastNDays or FilterOperator.NextNDays => f.Value is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var days) && days is > 0 and <= 3660 ? null : "Must be a whole number of days between 1 and 3660.",
        FilterOperator.Contains or FilterOperator.StartsWith => f.Value is { ValueKind: JsonValueKind.String } ? null : "Must be a string.",
        _ => f.Value is null or { ValueKind: JsonValueKind.Undefined } ? "A value is required." : null,
    };

    private bool Matches(JsonElement record, Filter f)
    {
        var value = Resolve(record, f.Field);
        var missing = value is null || value.Value.ValueKind == JsonValueKind.Null;
        switch (f.Op)
        {
            case FilterOperator.IsNull: return missing;
            case FilterOperator.IsNotNull: return !missing;
        }
        if (missing)
        {
            return f.Op is FilterOperator.Ne or FilterOperator.Nin;
        }
        var v = value!.Value;
        return f.Op switch
        {
            FilterOperator.Eq => Compare(v, f.Value!.Value) == 0,
            FilterOperator.Ne => Compare(v, f.Value!.Value) != 0,
            FilterOperator.Lt => Compare(v, f.Value!.Value) < 0,
            FilterOperator.Le => Compare(v, f.Value!.Value) <= 0,
            FilterOperator.Gt => Compare(v, f.Value!.Value) > 0,
            FilterOperator.Ge => Compare(v, f.Value!.Value) >= 0,
            FilterOperator.In => AnyEqual(v, f.Value!.Value),
            FilterOperator.Nin => !AnyEqual(v, f.Value!.Value),
            FilterOperator.Between => Compare(v, f.Value!.Value[0]) >= 0 && Compare(v, f.Value!.Value[1]) <= 0,
            FilterOperator.Contains => AsText(v).Contains(TextNormalizer.Normalize(f.Value!.Value.GetString()), StringComparison.Ordinal),
            FilterOperator.StartsWith => AsText(v).StartsWith(TextNormalizer.Normalize(f.Value!.Value.GetString()), StringComparison.Ordinal),
            _ => InPeriod(v, f),
        };
    }

    private static JsonElement? Resolve(JsonElement record, string field)
    {
        var current = record;
        foreach (var part in field.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }
        return current;
    }

    private static bool AnyEqual(JsonElement v, JsonElement list)
    {
        if (v.ValueKind == JsonValueKind.Array)
        {
            return v.EnumerateArray().Any(item => list.EnumerateArray().Any(l => Compare(item, l) == 0));
        }
        return list.EnumerateArray().Any(l => Compare(v, l) == 0);
    }

    private static string AsText(JsonElement v) =>
        TextNormalizer.Normalize(v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText());

    /// <summary>Numbers compare as numbers, ISO times as instants, everything else as normalised text.</summary>
    internal static int Compare(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
        {
            return a.GetDecimal().CompareTo(b.GetDecimal());
        }
        if (a.ValueKind is JsonValueKind.True or JsonValueKind.False && b.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return a.GetBoolean().CompareTo(b.GetBoolean());
        }
        if (a.ValueKind == JsonValueKind.String && b.ValueKind == JsonValueKind.String
            && TryInstant(a.GetString(), out var ta) && TryInstant(b.GetString(), out var tb))
        {
            return ta.CompareTo(tb);
        }
        return string.CompareOrdinal(AsText(a), AsText(b));
    }

    private static bool TryInstant(string? s, out DateTimeOffset value)
    {
        value = default;
        return s is { Length: >= 10 } && char.IsAsciiDigit(s[0]) && s[4] == '-'
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private bool InPeriod(JsonElement v, Filter f)
    {
        if (v.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        var text = v.GetString();
        var (fromDay, toDay) = Days(f);
        // A calendar date ("2026-01-31") has no time zone: it is that day of the tenant's calendar.
        // Read as UTC midnight it would fall into the previous day west of UTC (and "today" would
        // drop out of lastNDays east of UTC).
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var day = date.ToDateTime(TimeOnly.MinValue);
            return day >= fromDay && day < toDay;
        }
        if (!TryInstant(text, out var t))
        {
            return false;
        }
        // lastNDays runs up to this moment and nextNDays from it; the rest from local midnight to local midnight.
        var from = f.Op == FilterOperator.NextNDays ? now : At(fromDay);
        var to = f.Op == FilterOperator.LastNDays ? now : At(toDay);
        return t >= from && t < to;
    }

    /// <summary>The period as local calendar days [from, to): calendar periods follow the tenant's time zone, as staff see "this month".</summary>
    private (DateTime From, DateTime To) Days(Filter f)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var today = new DateTime(local.Year, local.Month, local.Day, 0, 0, 0, DateTimeKind.Unspecified);
        var monthStart = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var quarterStart = new DateTime(local.Year, ((local.Month - 1) / 3 * 3) + 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var yearStart = new DateTime(local.Year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return f.Op switch
        {
            FilterOperator.LastNDays => (today.AddDays(-f.Value!.Value.GetInt32()), today.AddDays(1)),
            FilterOperator.NextNDays => (today, today.AddDays(f.Value!.Value.GetInt32() + 1)),
            FilterOperator.ThisMonth => (monthStart, monthStart.AddMonths(1)),
            FilterOperator.LastMonth => (monthStart.AddMonths(-1), monthStart),
            FilterOperator.ThisQuarter => (quarterStart, quarterStart.AddMonths(3)),
            _ => (yearStart, yearStart.AddYears(1)),
        };
    }

    private DateTimeOffset At(DateTime localTime) => new(localTime, zone.GetUtcOffset(localTime));
}
