using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Sales;

namespace Crm.UnitTests.Domain;

public sealed class SalesRulesTests
{
    private static Contact C(string id, string? boss = null, bool primary = false) => new() { Id = id, Name = id, ReportsToId = boss, IsPrimary = primary };

    [Theory]
    [InlineData("a", "a", true)]
    [InlineData("a", "c", true)]
    [InlineData("c", "a", false)]
    [InlineData("d", "c", false)]
    public async Task AReportsToLinkClosingALoopIsACycle(string contact, string reportsTo, bool cycle)
    {
        // c reports to b, b reports to a; d reports to nobody.
        var bosses = new Dictionary<string, string?> { ["a"] = null, ["b"] = "a", ["c"] = "b", ["d"] = null };
        Assert.Equal(cycle, await ContactHierarchy.WouldCycleAsync(contact, reportsTo, id => Task.FromResult(bosses.GetValueOrDefault(id))));
    }

    [Fact]
    public async Task ACorruptLoopAboveDoesNotHangTheCheck()
    {
        var bosses = new Dictionary<string, string?> { ["x"] = "y", ["y"] = "x" };
        Assert.False(await ContactHierarchy.WouldCycleAsync("a", "x", id => Task.FromResult(bosses.GetValueOrDefault(id))));
    }

    [Fact]
    public void TheTreeKeepsEveryContactPrimaryFirstAndOrphansAsRoots()
    {
        var tree = ContactHierarchy.Tree([C("zed", primary: true), C("amy", "zed"), C("bob", "amy"), C("lost", "gone"), C("p", "q"), C("q", "p")]);
        Assert.Equal(["zed", "lost", "p"], tree.Select(n => n.Contact.Id));
        Assert.Equal("bob", tree[0].Reports.Single().Reports.Single().Contact.Id);
        Assert.Equal("q", tree[2].Reports.Single().Contact.Id);
        Assert.Equal(6, Flatten(tree).Count());
    }

    private static IEnumerable<ContactNode> Flatten(IEnumerable<ContactNode> nodes) => nodes.SelectMany(n => Flatten(n.Reports).Prepend(n));

    [Fact]
    public void AMergeFillsOnlyEmptyFieldsAndSeatsTheSourceOwner()
    {
        var target = new Customer { Id = "t", Name = "T", OwnerId = "u1", Level = "A", Tags = ["x"], CustomFields = new JsonObject { ["a"] = 1 } };
        var source = new Customer
        {
            Id = "s", Name = "S", OwnerId = "u2", Level = "C", Industry = "retail", Tags = ["x", "y"],
            Address = new Address { City = "杭州" }, CustomFields = new JsonObject { ["a"] = 2, ["b"] = 3 },
            Team = [new TeamMember("u1", TeamAccess.Read), new TeamMember("u3", TeamAccess.Read)],
        };
        var merged = CustomerRules.FillFrom(target, source, maxTeam: 20);
        Assert.Equal("A", merged.Level);
        Assert.Equal("retail", merged.Industry);
        Assert.Equal("杭州", merged.Address!.City);
        Assert.Equal(["x", "y"], merged.Tags);
        Assert.Equal(1, (int)merged.CustomFields["a"]!);
        Assert.Equal(3, (int)merged.CustomFields["b"]!);
        Assert.Equal([("u2", TeamAccess.ReadWrite), ("u3", TeamAccess.Read)], merged.Team.Select(m => (m.UserId, m.Access)));
        Assert.Single(CustomerRules.FillFrom(target, source, maxTeam: 1).Team);
    }

    [Theory]
    [InlineData("ＡＣＭＥ  Trading 公司", "acmetrading公司")]
    [InlineData(" acme\ttrading公司 ", "acmetrading公司")]
    public void CustomerNamesCompareWithoutCaseWidthOrSpaces(string name, string key) => Assert.Equal(key, CustomerRules.NameKey(name));
}
