using System.Text.Json.Nodes;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class FieldChangesTests
{
    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void ReportsChangedFieldWithBeforeAndAfter()
    {
        var changes = FieldChanges.Diff(Obj("""{"name":"A","amount":1,"status":"open"}"""), Obj("""{"name":"B","amount":1,"status":"open"}"""));

        var change = Assert.Single(changes);
        Assert.Equal("name", change.Key);
        Assert.Equal("A", change.Value.Before!.GetValue<string>());
        Assert.Equal("B", change.Value.After!.GetValue<string>());
    }

    [Fact]
    public void ReportsAddedAndRemovedFields()
    {
        var changes = FieldChanges.Diff(Obj("""{"name":"A","email":"a@x.com"}"""), Obj("""{"name":"A","phone":"138"}"""));

        Assert.Equal(["email", "phone"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("a@x.com", changes["email"].Before!.GetValue<string>());
        Assert.Null(changes["email"].After);
        Assert.Null(changes["phone"].Before);
        Assert.Equal("138", changes["phone"].After!.GetValue<string>());
    }

    [Fact]
    public void ComparesValuesNotTheirSpelling()
    {
        var changes = FieldChanges.Diff(Obj("""{"tags":["a","b"],"address":{"city":"Beijing"}}"""), Obj("""{ "address" : { "city" : "Beijing" }, "tags" : [ "a", "b" ] }"""));

        Assert.Empty(changes);
    }

    [Fact]
    public void ReportsNestedValuesAsOneField()
    {
        var changes = FieldChanges.Diff(Obj("""{"tags":["a","b"],"address":{"city":"Beijing"}}"""), Obj("""{"tags":["b","a"],"address":{"city":"Shanghai"}}"""));

        Assert.Equal(["address", "tags"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Beijing", changes["address"].Before!["city"]!.GetValue<string>());
    }

    [Fact]
    public void ReportsCustomFieldsOneByOne()
    {
        var changes = FieldChanges.Diff(
            Obj("""{"name":"A","customFields":{"level":"gold","region":"north","gone":1}}"""),
            Obj("""{"name":"A","customFields":{"level":"silver","region":"north","new":true}}"""));

        Assert.Equal(["customFields.gone", "customFields.level", "customFields.new"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("gold", changes["customFields.level"].Before!.GetValue<string>());
        Assert.Equal("silver", changes["customFields.level"].After!.GetValue<string>());
        Assert.Null(changes["customFields.gone"].After);
        Assert.Null(changes["customFields.new"].Before);
    }

    [Fact]
    public void IgnoresBookkeepingFields()
    {
        var changes = FieldChanges.Diff(
            Obj("""{"name":"A","version":"1","updatedAt":"2026-01-01T00:00:00Z","updatedBy":"u1"}"""),
            Obj("""{"name":"A","version":"2","updatedAt":"2026-01-02T00:00:00Z","updatedBy":"u2"}"""));

        Assert.Empty(changes);
    }

    [Fact]
    public void BookkeepingNamesInsideCustomFieldsAreStillReported()
    {
        var changes = FieldChanges.Diff(Obj("""{"customFields":{"version":"1"}}"""), Obj("""{"customFields":{"version":"2"}}"""));

        Assert.Equal(["customFields.version"], changes.Keys);
    }

    [Fact]
    public void CreationReportsEveryFieldButTheBookkeepingOnes()
    {
        var changes = FieldChanges.Diff(null, Obj("""{"id":"x","name":"A","version":"1","updatedAt":"2026-01-01T00:00:00Z","customFields":{"level":"gold"}}"""));

        Assert.Equal(["customFields.level", "id", "name"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.All(changes.Values, c => Assert.Null(c.Before));
    }

    [Fact]
    public void DeletionReportsEveryFieldAsRemoved()
    {
        var changes = FieldChanges.Diff(Obj("""{"id":"x","name":"A"}"""), null);

        Assert.Equal(["id", "name"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.All(changes.Values, c => Assert.Null(c.After));
    }

    [Fact]
    public void ChangesAreCopiesThatDoNotFollowTheRecords()
    {
        var before = Obj("""{"address":{"city":"Beijing"}}""");
        var after = Obj("""{"address":{"city":"Shanghai"}}""");

        var changes = FieldChanges.Diff(before, after);
        before["address"]!["city"] = "Tianjin";

        Assert.Equal("Beijing", changes["address"].Before!["city"]!.GetValue<string>());
    }
}
