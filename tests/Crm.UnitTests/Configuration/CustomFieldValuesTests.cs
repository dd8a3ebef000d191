using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Configuration;

namespace Crm.UnitTests.Configuration;

public sealed class CustomFieldValuesTests
{
    private static CustomFieldDefinition Field(string key, CustomFieldType type, bool required = false, int? maxLength = null, string[]? options = null, string? dictionary = null, bool active = true) =>
        new() { EntityType = "memos", Key = key, Label = key, Type = type, Required = required, MaxLength = maxLength, Options = options, Dictionary = dictionary, Active = active };

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Theory]
    [InlineData(CustomFieldType.Money, "\"12.5\"", "12.5")]
    [InlineData(CustomFieldType.Money, "3", "3")]
    [InlineData(CustomFieldType.Number, "-1.25", "-1.25")]
    [InlineData(CustomFieldType.Date, "\"2026-02-28\"", "\"2026-02-28\"")]
    [InlineData(CustomFieldType.Datetime, "\"2026-02-28T08:00:00+08:00\"", "\"2026-02-28T00:00:00Z\"")]
    [InlineData(CustomFieldType.Datetime, "\"2026-02-28T08:00:00.5Z\"", "\"2026-02-28T08:00:00.5Z\"")]
    [InlineData(CustomFieldType.Text, "\"  padded \"", "\"padded\"")]
    [InlineData(CustomFieldType.Boolean, "false", "false")]
    [InlineData(CustomFieldType.Phone, "\"+86 (10) 1234-5678\"", "\"+86 (10) 1234-5678\"")]
    [InlineData(CustomFieldType.Url, "\"http://a.example/b?c=1\"", "\"http://a.example/b?c=1\"")]
    [InlineData(CustomFieldType.Email, "\"a.b@c.example\"", "\"a.b@c.example\"")]
    public void ValuesAreNormalised(CustomFieldType type, string input, string stored)
    {
        var (value, problem) = CustomFieldValues.Normalise(Field("f", type), JsonNode.Parse(input)!);
        Assert.Null(problem);
        Assert.Equal(stored, value!.ToJsonString(CrmJson.Options));
    }

    [Theory]
    [InlineData(CustomFieldType.Money, "1.23456")]
    [InlineData(CustomFieldType.Money, "\"1,000\"")]
    [InlineData(CustomFieldType.Number, "true")]
    [InlineData(CustomFieldType.Date, "\"2026-2-28\"")]
    [InlineData(CustomFieldType.Datetime, "\"yesterday\"")]
    [InlineData(CustomFieldType.Boolean, "1")]
    [InlineData(CustomFieldType.Phone, "\"12\"")]
    [InlineData(CustomFieldType.Phone, "\"1+2345\"")]
    [InlineData(CustomFieldType.Url, "\"example.com\"")]
    [InlineData(CustomFieldType.Url, "\"javascript:alert(1)\"")]
    [InlineData(CustomFieldType.Email, "\"Bob <bob@example.com>\"")]
    [InlineData(CustomFieldType.User, "\"not an id\"")]
    [InlineData(CustomFieldType.MultiPicklist, "[1]")]
    public void WrongShapesAreProblems(CustomFieldType type, string input) =>
        Assert.NotNull(CustomFieldValues.Normalise(Field("f", type), JsonNode.Parse(input)!).Problem);

    [Fact]
    public void CreateNeedsRequiredFieldsAndDropsNulls()
    {
        CustomFieldDefinition[] fields = [Field("region", CustomFieldType.Text, required: true), Field("note", CustomFieldType.Text)];
        var error = Assert.Throws<ValidationException>(() => CustomFieldValues.Check(fields, Obj("""{"note":"x"}"""), null, creating: true));
        Assert.Equal(CustomFieldValues.RequiredMissing, error.Code);
        Assert.Equal(["customFields.region"], error.Errors.Keys);
        var check = CustomFieldValues.Check(fields, Obj("""{"region":"e","note":null}"""), null, creating: true);
        Assert.Equal("""{"region":"e"}""", check.Values.ToJsonString());
    }

    [Fact]
    public void UpdateChecksOnlyWhatThePatchNamesAndKeepsNullsAsRemovals()
    {
        CustomFieldDefinition[] fields = [Field("region", CustomFieldType.Text, required: true), Field("note", CustomFieldType.Text)];
        var current = Obj("""{"region":"e","note":"n"}""");
        Assert.Equal("""{"note":null}""", CustomFieldValues.Check(fields, Obj("""{"note":null}"""), current, creating: false).Values.ToJsonString());
        Assert.Equal(CustomFieldValues.RequiredMissing,
            Assert.Throws<ValidationException>(() => CustomFieldValues.Check(fields, Obj("""{"region":null}"""), current, creating: false)).Code);
    }

    [Fact]
    public void UnknownKeysInactiveFieldsAndAllErrorsAreReportedTogether()
    {
        CustomFieldDefinition[] fields = [Field("old", CustomFieldType.Text, active: false), Field("n", CustomFieldType.Number)];
        var error = Assert.Throws<ValidationException>(() => CustomFieldValues.Check(fields, Obj("""{"x":1,"old":"new","n":"1"}"""), Obj("""{"old":"was"}"""), creating: false));
        Assert.Equal(CustomFieldValues.Unknown, error.Code);
        Assert.Equal(["customFields.n", "customFields.old", "customFields.x"], error.Errors.Keys.Order(StringComparer.Ordinal));
        // The value an inactive field already holds may be sent back unchanged.
        CustomFieldValues.Check(fields, Obj("""{"old":"was"}"""), Obj("""{"old":"was"}"""), creating: false);
    }

    [Fact]
    public void PicklistsCheckOptionsAndDictionaryPicklistsAskForLookups()
    {
        CustomFieldDefinition[] fields =
        [
            Field("tier", CustomFieldType.Picklist, options: ["gold", "silver"]),
            Field("tags", CustomFieldType.MultiPicklist, dictionary: "industry"),
            Field("buddy", CustomFieldType.User),
        ];
        Assert.Throws<ValidationException>(() => CustomFieldValues.Check(fields, Obj("""{"tier":"bronze"}"""), null, creating: true));
        var check = CustomFieldValues.Check(fields, Obj("""{"tier":"gold","tags":["it","retail"],"buddy":"01aaaaaaaaaaaaaaaaaaaaaaaa"}"""), Obj("""{"tags":["retail"]}"""), creating: false);
        Assert.Contains(check.Lookups, l => l.Dictionary == "industry" && l.Value == "it" && l.OldValue is null);
        Assert.Contains(check.Lookups, l => l.Dictionary == "industry" && l.Value == "retail" && l.OldValue == "retail");
        Assert.Contains(check.Lookups, l => l.Type == CustomFieldType.User && l.Value == "01aaaaaaaaaaaaaaaaaaaaaaaa");
    }

    [Theory]
    [InlineData("Region", CustomFieldType.Text, null, null, null, "key")]
    [InlineData("region", CustomFieldType.Picklist, null, null, null, "options")]
    [InlineData("region", CustomFieldType.Picklist, new[] { "a" }, "industry", null, "options")]
    [InlineData("region", CustomFieldType.Picklist, null, "nope", null, "dictionary")]
    [InlineData("region", CustomFieldType.Number, null, null, 5, "maxLength")]
    [InlineData("region", CustomFieldType.Date, null, "industry", null, "dictionary")]
    public void InvalidDefinitionsAreRefused(string key, CustomFieldType type, string[]? options, string? dictionary, int? maxLength, string field)
    {
        var error = Assert.Throws<ValidationException>(() => CustomFieldRules.Validate(Field(key, type, maxLength: maxLength, options: options, dictionary: dictionary), [.. DataDictionaries.Sales.Select(d => d.Name)]));
        Assert.Equal("customField.invalid_definition", error.Code);
        Assert.Contains(field, error.Errors.Keys);
    }
}
