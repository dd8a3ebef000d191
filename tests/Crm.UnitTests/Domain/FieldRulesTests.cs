using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class FieldRulesTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+86 138-1234-5678", "861****5678")]
    [InlineData("alice@example.com", "a***@example.com")]
    [InlineData("a@b.cn", "a***@b.cn")]
    [InlineData("12345", "1***")]
    [InlineData("Shanghai office", "S***")]
    [InlineData("x", "***")]
    public void MasksPhonesByDigitsAndEmailsByLocalPart(string value, string masked) =>
        Assert.Equal(masked, FieldRules.Mask(value));

    /// <summary>A rule stored before roles refused them still cannot take a record's identity or version away.</summary>
    [Fact]
    public void IdentityAndVersionAreShownWhateverTheRules()
    {
        var record = JsonNode.Parse("""{"id":"1","version":"v","createdAt":"t","updatedBy":"u","customFields":{"id":"own"}}""")!.AsObject();
        var rules = new Dictionary<string, FieldAccess> { ["id"] = FieldAccess.Hidden, ["version"] = FieldAccess.Masked, ["updatedBy"] = FieldAccess.Hidden, ["customFields.id"] = FieldAccess.Hidden };
        var shown = FieldRules.Apply(record, rules);
        Assert.Equal("1", (string?)shown["id"]);
        Assert.Equal("v", (string?)shown["version"]);
        Assert.Equal("u", (string?)shown["updatedBy"]);
        Assert.False(shown["customFields"]!.AsObject().ContainsKey("id"));
        Assert.False(FieldRules.IsHidden("id", rules));
    }

    [Fact]
    public void HidesAndMasksTopLevelAndCustomFieldsWithoutTouchingTheOriginal()
    {
        var record = JsonNode.Parse("""{"id":"1","phone":"13812345678","email":"bob@example.com","amount":5,"customFields":{"secret":"x","mobile":"13900001111","free":1}}""")!.AsObject();
        var rules = new Dictionary<string, FieldAccess>
        {
            ["phone"] = FieldAccess.Masked,
            ["email"] = FieldAccess.Hidden,
            ["amount"] = FieldAccess.ReadOnly,
            ["customFields.secret"] = FieldAccess.Hidden,
            ["customFields.mobile"] = FieldAccess.Masked,
        };
        var shown = FieldRules.Apply(record, rules);
        Assert.Equal("138****5678", shown["phone"]!.GetValue<string>());
        Assert.False(shown.ContainsKey("email"));
        Assert.Equal(5, shown["amount"]!.GetValue<int>());
        Assert.False(shown["customFields"]!.AsObject().ContainsKey("secret"));
        Assert.Equal("139****1111", shown["customFields"]!["mobile"]!.GetValue<string>());
        Assert.Equal("13812345678", record["phone"]!.GetValue<string>());
    }

    [Fact]
    public void ChangesLoseHiddenFieldsAndMaskBothSidesOfMaskedOnes()
    {
        var changes = new Dictionary<string, FieldChange>
        {
            ["phone"] = new("13812345678", "13987654321"),
            ["email"] = new(null, "bob@example.com"),
            ["name"] = new("A", "B"),
        };
        var shown = FieldRules.Apply(changes, new Dictionary<string, FieldAccess> { ["phone"] = FieldAccess.Masked, ["email"] = FieldAccess.Hidden });
        Assert.Equal(["name", "phone"], shown.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("138****5678", shown["phone"].Before!.GetValue<string>());
        Assert.Equal("139****4321", shown["phone"].After!.GetValue<string>());
    }

    [Fact]
    public void WritesNamingAnyRestrictedFieldAreCaughtIncludingCustomFieldsAndNulls()
    {
        var rules = new Dictionary<string, FieldAccess> { ["amount"] = FieldAccess.ReadOnly, ["customFields.level"] = FieldAccess.Masked };
        Assert.Equal("amount", FieldRules.FirstUnwritable(FieldRules.Named(JsonNode.Parse("""{"name":"x","amount":null}""")!.AsObject(), includeNulls: true), rules));
        Assert.Null(FieldRules.FirstUnwritable(FieldRules.Named(JsonNode.Parse("""{"name":"x","amount":null}""")!.AsObject(), includeNulls: false), rules));
        Assert.Equal("customFields.level", FieldRules.FirstUnwritable(FieldRules.Named(JsonNode.Parse("""{"customFields":{"level":"a"}}""")!.AsObject(), includeNulls: true), rules));
        Assert.Null(FieldRules.FirstUnwritable(["name", "customFields.other"], rules));
    }

    [Fact]
    public void RulesOnEntitiesWithoutAViewPermissionApplyFromEveryRoleAndTheMostOpenRoleWins()
    {
        var masking = new Role { Permissions = ["memos.view"], FieldRules = [new("users", "phone", FieldAccess.Masked), new("memos", "phone", FieldAccess.Hidden)] };
        Assert.Equal(FieldAccess.Masked, AccessProfile.From([masking]).FieldAccessFor("users", "phone"));
        Assert.Equal(FieldAccess.Hidden, AccessProfile.From([masking]).FieldAccessFor("memos", "phone"));
        var open = new Role { Permissions = ["memos.view"] };
        Assert.Null(AccessProfile.From([masking, open]).FieldAccessFor("users", "phone"));
        Assert.Null(AccessProfile.From([masking, open]).FieldAccessFor("memos", "phone"));
        // A role that cannot see memos has no say about their fields.
        Assert.Equal(FieldAccess.Hidden, AccessProfile.From([masking, new Role { Permissions = ["tasks.view"] }]).FieldAccessFor("memos", "phone"));
    }
}
