using System.Text.Json;
using Crm.Domain.Common;
using Crm.Domain.Querying;

namespace Crm.UnitTests.Domain;

public sealed class FilterValidationTests
{
    private static readonly HashSet<string> Fields = ["name", "amount", "status", "signedAt"];

    private static Filter F(string field, FilterOperator op, string? valueJson = null) =>
        new(field, op, valueJson is null ? null : JsonSerializer.Deserialize<JsonElement>(valueJson));

    private static ValidationException Invalid(params Filter[] filters) =>
        Assert.Throws<ValidationException>(() => FilterEvaluator.Validate([new FilterGroup(filters)], Fields));

    [Fact]
    public void AcceptsWellFormedFilters() =>
        FilterEvaluator.Validate(
        [
            new FilterGroup([F("name", FilterOperator.Eq, "\"a\""), F("amount", FilterOperator.Between, "[1,2]"), F("status", FilterOperator.In, "[\"open\"]")]),
            new FilterGroup([F("signedAt", FilterOperator.LastNDays, "30"), F("signedAt", FilterOperator.ThisQuarter), F("name", FilterOperator.IsNull)]),
            new FilterGroup([F("customFields.level", FilterOperator.StartsWith, "\"g\""), F("status", FilterOperator.Nin, "[]"), F("signedAt", FilterOperator.NextNDays, "3660")]),
        ], Fields);

    [Fact]
    public void RejectsUnknownField()
    {
        var e = Invalid(F("secret", FilterOperator.Eq, "\"x\""));

        Assert.Equal("search.invalid_filter", e.Code);
        var message = Assert.Single(e.Errors["filterGroups[0].filters[0].field"]);
        Assert.Contains("amount, name, signedAt, status", message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsNullField() => Assert.Contains("filterGroups[0].filters[0].field", Invalid(F(null!, FilterOperator.Eq, "1")).Errors.Keys);

    [Theory]
    [InlineData(FilterOperator.In, "\"open\"")]
    [InlineData(FilterOperator.In, null)]
    [InlineData(FilterOperator.Nin, "{}")]
    [InlineData(FilterOperator.Between, "[1]")]
    [InlineData(FilterOperator.Between, "[1,2,3]")]
    [InlineData(FilterOperator.Between, "5")]
    [InlineData(FilterOperator.LastNDays, "\"7\"")]
    [InlineData(FilterOperator.LastNDays, "0")]
    [InlineData(FilterOperator.LastNDays, "-1")]
    [InlineData(FilterOperator.NextNDays, "3661")]
    [InlineData(FilterOperator.NextNDays, "2.5")]
    [InlineData(FilterOperator.NextNDays, null)]
    [InlineData(FilterOperator.Contains, "5")]
    [InlineData(FilterOperator.StartsWith, null)]
    [InlineData(FilterOperator.Eq, null)]
    [InlineData(FilterOperator.Gt, null)]
    public void RejectsValuesOfTheWrongShape(FilterOperator op, string? value)
    {
        var e = Invalid(F("amount", op, value));

        Assert.Equal("search.invalid_filter", e.Code);
        Assert.Equal(["filterGroups[0].filters[0].value"], e.Errors.Keys);
    }

    [Fact]
    public void ReportsEveryProblemWithItsPosition()
    {
        var e = Assert.Throws<ValidationException>(() => FilterEvaluator.Validate(
        [
            new FilterGroup([F("name", FilterOperator.Eq, "\"ok\""), F("nope", FilterOperator.Eq, "1")]),
            new FilterGroup([F("amount", FilterOperator.Between, "[1]")]),
        ], Fields, "search"));

        Assert.Equal(["search[0].filters[1].field", "search[1].filters[0].value"], e.Errors.Keys.Order(StringComparer.Ordinal));
    }
}
