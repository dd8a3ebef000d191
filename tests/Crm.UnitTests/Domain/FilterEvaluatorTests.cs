using System.Text.Json;
using Crm.Domain.Querying;

namespace Crm.UnitTests.Domain;

public sealed class FilterEvaluatorTests
{
    private const string Record = """
        {"name":"Acme Trading","amount":1500.5,"status":"open","tags":["vip","north"],"ownerId":null,"active":true,
         "signedAt":"2026-03-01T08:00:00Z","customFields":{"level":"Gold","score":7}}
        """;

    private static readonly DateTimeOffset Now = new(2026, 3, 15, 4, 0, 0, TimeSpan.Zero);

    private static JsonElement Json(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    private static Filter F(string field, FilterOperator op, string? valueJson = null) => new(field, op, valueJson is null ? null : Json(valueJson));

    private static bool Matches(string record, IReadOnlyList<FilterGroup> groups, DateTimeOffset? now = null, TimeZoneInfo? zone = null) =>
        new FilterEvaluator(groups, now ?? Now, zone ?? TimeZoneInfo.Utc).Matches(Json(record));

    private static bool Matches(string record, params Filter[] filters) => Matches(record, [new FilterGroup(filters)]);

    [Theory]
    [InlineData("name", FilterOperator.Eq, "\"acme trading\"", true)]
    [InlineData("name", FilterOperator.Eq, "\"ＡＣＭＥ Ｔｒａｄｉｎｇ\"", true)]
    [InlineData("name", FilterOperator.Eq, "\"Acme\"", false)]
    [InlineData("amount", FilterOperator.Eq, "1500.50", true)]
    [InlineData("amount", FilterOperator.Eq, "1500", false)]
    [InlineData("active", FilterOperator.Eq, "true", true)]
    [InlineData("active", FilterOperator.Eq, "false", false)]
    [InlineData("customFields.level", FilterOperator.Eq, "\"gold\"", true)]
    [InlineData("customFields.score", FilterOperator.Eq, "7", true)]
    [InlineData("email", FilterOperator.Eq, "\"a@x.com\"", false)]
    [InlineData("status", FilterOperator.Ne, "\"closed\"", true)]
    [InlineData("status", FilterOperator.Ne, "\"OPEN\"", false)]
    [InlineData("email", FilterOperator.Ne, "\"a@x.com\"", true)]
    [InlineData("ownerId", FilterOperator.Ne, "\"u1\"", true)]
    [InlineData("amount", FilterOperator.Lt, "2000", true)]
    [InlineData("amount", FilterOperator.Lt, "1500.5", false)]
    [InlineData("amount", FilterOperator.Le, "1500.5", true)]
    [InlineData("amount", FilterOperator.Le, "1500.4", false)]
    [InlineData("amount", FilterOperator.Gt, "200", true)] // numbers compare as numbers, not as text
    [InlineData("amount", FilterOperator.Gt, "1500.5", false)]
    [InlineData("amount", FilterOperator.Ge, "1500.5", true)]
    [InlineData("amount", FilterOperator.Ge, "1500.6", false)]
    [InlineData("email", FilterOperator.Lt, "\"zzz\"", false)]
    [InlineData("signedAt", FilterOperator.Gt, "\"2026-03-01T15:00:00+08:00\"", true)] // times compare as instants
    [InlineData("signedAt", FilterOperator.Lt, "\"2026-03-01T15:00:00+08:00\"", false)]
    [InlineData("signedAt", FilterOperator.Eq, "\"2026-03-01T16:00:00+08:00\"", true)]
    [InlineData("status", FilterOperator.In, """["won","open"]""", true)]
    [InlineData("status", FilterOperator.In, """["won","lost"]""", false)]
    [InlineData("status", FilterOperator.In, "[]", false)]
    [InlineData("tags", FilterOperator.In, """["south","vip"]""", true)] // an array field matches when any element is listed
    [InlineData("tags", FilterOperator.In, """["south"]""", false)]
    [InlineData("email", FilterOperator.In, """["a@x.com"]""", false)]
    [InlineData("status", FilterOperator.Nin, """["won","lost"]""", true)]
    [InlineData("status", FilterOperator.Nin, """["open"]""", false)]
    [InlineData("tags", FilterOperator.Nin, """["north"]""", false)]
    [InlineData("email", FilterOperator.Nin, """["a@x.com"]""", true)]
    [InlineData("amount", FilterOperator.Between, "[1000,2000]", true)]
    [InlineData("amount", FilterOperator.Between, "[1500.5,1500.5]", true)] // both ends included
    [InlineData("amount", FilterOperator.Between, "[0,1000]", false)]
    [InlineData("amount", FilterOperator.Between, "[1600,2000]", false)]
    [InlineData("signedAt", FilterOperator.Between, """["2026-03-01","2026-03-02"]""", true)]
    [InlineData("signedAt", FilterOperator.Between, """["2026-03-02","2026-03-31"]""", false)]
    [InlineData("name", FilterOperator.Contains, "\"TRAD\"", true)]
    [InlineData("name", FilterOperator.Contains, "\"ｔｒａｄ\"", true)]
    [InlineData("name", FilterOperator.Contains, "\"me tr\"", true)]
    [InlineData("name", FilterOperator.Contains, "\"trading acme\"", false)]
    [InlineData("email", FilterOperator.Contains, "\"a\"", false)]
    [InlineData("name", FilterOperator.StartsWith, "\"acme\"", true)]
    [InlineData("name", FilterOperator.StartsWith, "\"trading\"", false)]
    [InlineData("customFields.level", FilterOperator.StartsWith, "\"GO\"", true)]
    [InlineData("ownerId", FilterOperator.IsNull, null, true)]
    [InlineData("email", FilterOperator.IsNull, null, true)]
    [InlineData("customFields.missing", FilterOperator.IsNull, null, true)]
    [InlineData("name", FilterOperator.IsNull, null, false)]
    [InlineData("name", FilterOperator.IsNotNull, null, true)]
    [InlineData("customFields.level", FilterOperator.IsNotNull, null, true)]
    [InlineData("ownerId", FilterOperator.IsNotNull, null, false)]
    [InlineData("email", FilterOperator.IsNotNull, null, false)]
    public void EvaluatesEachOperator(string field, FilterOperator op, string? value, bool expected) =>
        Assert.Equal(expected, Matches(Record, F(field, op, value)));

    [Fact]
    public void NoGroupsMatchEverything() => Assert.True(Matches(Record, []));

    [Fact]
    public void FiltersInAGroupAreAnded()
    {
        Assert.True(Matches(Record, F("status", FilterOperator.Eq, "\"open\""), F("amount", FilterOperator.Gt, "1000")));
        Assert.False(Matches(Record, F("status", FilterOperator.Eq, "\"open\""), F("amount", FilterOperator.Gt, "2000")));
    }

    [Fact]
    public void GroupsAreOred()
    {
        var won = new FilterGroup([F("status", FilterOperator.Eq, "\"won\"")]);

        Assert.True(Matches(Record, [won, new FilterGroup([F("amount", FilterOperator.Gt, "1000"), F("name", FilterOperator.StartsWith, "\"acme\"")])]));
        Assert.False(Matches(Record, [won, new FilterGroup([F("amount", FilterOperator.Gt, "1000"), F("name", FilterOperator.StartsWith, "\"zzz\"")])]));
        Assert.True(Matches(Record, [new FilterGroup([F("name", FilterOperator.StartsWith, "\"zzz\"")]), new FilterGroup([F("status", FilterOperator.Eq, "\"open\"")])]));
    }

    // 2025-12-31T17:00Z is 2026-01-01 01:00 in Shanghai (UTC+8): a new month, quarter and year there, not yet in UTC.
    private static readonly DateTimeOffset NewYearInShanghai = new(2025, 12, 31, 17, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(FilterOperator.ThisMonth, null, "2025-12-31T16:00:00Z", true)]
    [InlineData(FilterOperator.ThisMonth, null, "2025-12-31T15:59:59Z", false)]
    [InlineData(FilterOperator.ThisMonth, null, "2026-01-31T15:59:59Z", true)]
    [InlineData(FilterOperator.ThisMonth, null, "2026-01-31T16:00:00Z", false)]
    [InlineData(FilterOperator.ThisMonth, null, "2026-01-01T00:30:00+08:00", true)]
    [InlineData(FilterOperator.LastMonth, null, "2025-12-31T15:59:59Z", true)]
    [InlineData(FilterOperator.LastMonth, null, "2025-11-30T16:00:00Z", true)]
    [InlineData(FilterOperator.LastMonth, null, "2025-11-30T15:59:59Z", false)]
    [InlineData(FilterOperator.LastMonth, null, "2025-12-31T16:00:00Z", false)]
    [InlineData(FilterOperator.ThisQuarter, null, "2025-12-31T16:00:00Z", true)]
    [InlineData(FilterOperator.ThisQuarter, null, "2025-12-31T15:59:59Z", false)]
    [InlineData(FilterOperator.ThisQuarter, null, "2026-03-31T15:59:59Z", true)]
    [InlineData(FilterOperator.ThisQuarter, null, "2026-03-31T16:00:00Z", false)]
    [InlineData(FilterOperator.ThisYear, null, "2025-12-31T16:00:00Z", true)]
    [InlineData(FilterOperator.ThisYear, null, "2025-12-31T15:59:59Z", false)]
    [InlineData(FilterOperator.ThisYear, null, "2026-12-31T15:59:59Z", true)]
    [InlineData(FilterOperator.ThisYear, null, "2026-12-31T16:00:00Z", false)]
    [InlineData(FilterOperator.LastNDays, 7, "2025-12-24T16:00:00Z", true)] // from local midnight seven days ago
    [InlineData(FilterOperator.LastNDays, 7, "2025-12-24T15:59:59Z", false)]
    [InlineData(FilterOperator.LastNDays, 7, "2025-12-31T16:59:59Z", true)]
    [InlineData(FilterOperator.LastNDays, 7, "2025-12-31T17:00:01Z", false)] // up to now
    [InlineData(FilterOperator.NextNDays, 7, "2025-12-31T17:00:01Z", true)] // from now
    [InlineData(FilterOperator.NextNDays, 7, "2025-12-31T16:59:59Z", false)]
    [InlineData(FilterOperator.NextNDays, 7, "2026-01-08T15:59:59Z", true)] // to the end of the seventh local day
    [InlineData(FilterOperator.NextNDays, 7, "2026-01-08T16:00:00Z", false)]
    [InlineData(FilterOperator.ThisMonth, null, "not a date", false)]
    public void DatePeriodsFollowTheTenantsTimeZone(FilterOperator op, int? days, string time, bool expected)
    {
        var filter = new Filter("signedAt", op, days is null ? null : Json(days.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var record = $$"""{"signedAt":"{{time}}"}""";

        Assert.Equal(expected, Matches(record, [new FilterGroup([filter])], NewYearInShanghai, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));
    }

    [Fact]
    public void InUtcTheSameMomentIsStillLastYear()
    {
        var record = """{"signedAt":"2025-12-31T15:00:00Z"}""";

        Assert.True(Matches(record, [new FilterGroup([F("signedAt", FilterOperator.ThisMonth)])], NewYearInShanghai, TimeZoneInfo.Utc));
        Assert.True(Matches(record, [new FilterGroup([F("signedAt", FilterOperator.ThisYear)])], NewYearInShanghai, TimeZoneInfo.Utc));
        Assert.False(Matches(record, [new FilterGroup([F("signedAt", FilterOperator.ThisYear)])], NewYearInShanghai, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));
    }

    [Theory]
    [InlineData(FilterOperator.ThisMonth, null, "2026-01-01", true)]
    [InlineData(FilterOperator.ThisMonth, null, "2026-01-31", true)]
    [InlineData(FilterOperator.ThisMonth, null, "2026-02-01", false)]
    [InlineData(FilterOperator.LastMonth, null, "2025-12-01", true)]
    [InlineData(FilterOperator.LastMonth, null, "2025-12-31", true)]
    [InlineData(FilterOperator.LastMonth, null, "2026-01-01", false)]
    [InlineData(FilterOperator.LastNDays, 1, "2026-01-31", true)] // today
    [InlineData(FilterOperator.LastNDays, 1, "2026-01-30", true)]
    [InlineData(FilterOperator.LastNDays, 1, "2026-01-29", false)]
    [InlineData(FilterOperator.NextNDays, 1, "2026-01-31", true)] // today
    [InlineData(FilterOperator.NextNDays, 1, "2026-02-01", true)]
    [InlineData(FilterOperator.NextNDays, 1, "2026-02-02", false)]
    public void CalendarDatesCountAsTheirDayInTheTenantsZone(FilterOperator op, int? days, string date, bool expected)
    {
        // 2026-02-01T03:00Z is still 31 January, 22:00 in New York (UTC-5).
        var now = new DateTimeOffset(2026, 2, 1, 3, 0, 0, TimeSpan.Zero);
        var filter = new Filter("dueDate", op, days is null ? null : Json(days.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expected, Matches($$"""{"dueDate":"{{date}}"}""", [new FilterGroup([filter])], now, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")));
    }

    [Theory]
    [InlineData(FilterOperator.LastNDays, "2026-01-01", true)] // today, one hour into it
    [InlineData(FilterOperator.LastNDays, "2025-12-31", true)]
    [InlineData(FilterOperator.LastNDays, "2025-12-30", false)]
    [InlineData(FilterOperator.NextNDays, "2026-01-01", true)]
    [InlineData(FilterOperator.NextNDays, "2026-01-02", true)]
    [InlineData(FilterOperator.NextNDays, "2026-01-03", false)]
    [InlineData(FilterOperator.NextNDays, "2025-12-31", false)]
    public void CalendarDatesInShanghaiCountByTheLocalDay(FilterOperator op, string date, bool expected)
    {
        var filter = new Filter("dueDate", op, Json("1"));

        Assert.Equal(expected, Matches($$"""{"dueDate":"{{date}}"}""", [new FilterGroup([filter])], NewYearInShanghai, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));
    }
}
