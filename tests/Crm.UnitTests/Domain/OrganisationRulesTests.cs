using Crm.Domain.Common;
using Crm.Domain.Organisation;

namespace Crm.UnitTests.Domain;

public sealed class OrganisationRulesTests
{
    /// <summary>A lookup over a child → parent map that also counts how often it was asked.</summary>
    private sealed class Tree(Dictionary<string, string?> parents)
    {
        public int Lookups { get; private set; }

        public Task<string?> ParentOf(string id)
        {
            Lookups++;
            return Task.FromResult(parents.GetValueOrDefault(id));
        }

        /// <summary>n0 ← n1 ← ... ← n(count-1): each node's parent is the one before it.</summary>
        public static Tree Chain(int count) =>
            new(Enumerable.Range(0, count).ToDictionary(i => $"n{i}", i => i == 0 ? null : $"n{i - 1}"));
    }

    [Fact]
    public async Task NoSuperiorIsAlwaysFine() =>
        await OrganisationRules.EnsureNoSuperiorCycleAsync("u1", null, _ => throw new InvalidOperationException("must not look up"));

    [Fact]
    public async Task UserCannotBeTheirOwnSuperior()
    {
        var e = await Assert.ThrowsAsync<ConflictException>(() =>
            OrganisationRules.EnsureNoSuperiorCycleAsync("u1", "u1", new Tree([]).ParentOf));

        Assert.Equal("user.superior_cycle", e.Code);
    }

    [Fact]
    public async Task UserCannotReportToTheirOwnSubordinate()
    {
        // boss ← mid ← junior; making junior boss's superior closes the loop.
        var tree = new Tree(new() { ["boss"] = null, ["mid"] = "boss", ["junior"] = "mid" });

        var e = await Assert.ThrowsAsync<ConflictException>(() => OrganisationRules.EnsureNoSuperiorCycleAsync("boss", "junior", tree.ParentOf));

        Assert.Equal("user.superior_cycle", e.Code);
    }

    [Fact]
    public async Task FindsCycleAtTheTopOfALongChain()
    {
        var tree = Tree.Chain(OrganisationRules.MaxDepth);

        var e = await Assert.ThrowsAsync<ConflictException>(() =>
            OrganisationRules.EnsureNoSuperiorCycleAsync("n0", $"n{OrganisationRules.MaxDepth - 1}", tree.ParentOf));

        Assert.Equal("user.superior_cycle", e.Code);
    }

    [Fact]
    public async Task AcceptsAChainOfMaxDepthSuperiors()
    {
        var tree = Tree.Chain(OrganisationRules.MaxDepth);

        await OrganisationRules.EnsureNoSuperiorCycleAsync("newcomer", $"n{OrganisationRules.MaxDepth - 1}", tree.ParentOf);
    }

    [Fact]
    public async Task RejectsAChainDeeperThanMaxDepth()
    {
        var tree = Tree.Chain(OrganisationRules.MaxDepth + 1);

        var e = await Assert.ThrowsAsync<ConflictException>(() =>
            OrganisationRules.EnsureNoSuperiorCycleAsync("newcomer", $"n{TreeRules.MaxDepth}", tree.ParentOf));

        Assert.Equal("user.superior_chain_too_deep", e.Code);
    }

    [Fact]
    public async Task StopsOnACorruptedLoopThatDoesNotIncludeTheUser()
    {
        var tree = new Tree(new() { ["a"] = "b", ["b"] = "a" });

        var e = await Assert.ThrowsAsync<ConflictException>(() => OrganisationRules.EnsureNoSuperiorCycleAsync("u1", "a", tree.ParentOf));

        Assert.Equal("user.superior_chain_too_deep", e.Code);
        Assert.True(tree.Lookups <= OrganisationRules.MaxDepth + 1);
    }

    [Fact]
    public async Task DepartmentMayMoveUnderAnotherBranch()
    {
        var tree = new Tree(new() { ["root"] = null, ["sales"] = "root", ["east"] = "sales", ["it"] = "root" });

        await TreeRules.EnsureNoCycleAsync("department", "east", "it", tree.ParentOf);
        await TreeRules.EnsureNoCycleAsync("department", "root", null, tree.ParentOf);
    }

    [Theory]
    [InlineData("sales", "sales")]
    [InlineData("sales", "east")]
    [InlineData("sales", "east-north")]
    public async Task DepartmentCannotMoveUnderItselfOrItsDescendant(string department, string newParent)
    {
        var tree = new Tree(new() { ["root"] = null, ["sales"] = "root", ["east"] = "sales", ["east-north"] = "east" });

        var e = await Assert.ThrowsAsync<ConflictException>(() => TreeRules.EnsureNoCycleAsync("department", department, newParent, tree.ParentOf));

        Assert.Equal("department.cycle", e.Code);
    }

    [Fact]
    public async Task DepartmentTreeDeeperThanMaxDepthIsRejected()
    {
        var tree = Tree.Chain(OrganisationRules.MaxDepth + 1);

        var e = await Assert.ThrowsAsync<ConflictException>(() =>
            TreeRules.EnsureNoCycleAsync("department", "new", $"n{TreeRules.MaxDepth}", tree.ParentOf));

        Assert.Equal("department.too_deep", e.Code);
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("alice.smith+crm@mail.example.cn")]
    public void AcceptsEmails(string value) => Assert.True(OrganisationRules.IsValidEmail(value));

    [Theory]
    [InlineData("alice")]
    [InlineData("alice@localhost")]
    [InlineData("Alice <alice@example.com>")]
    [InlineData("alice@@example.com")]
    [InlineData(" alice@example.com")]
    [InlineData("alice@example.com\n")]
    [InlineData("")]
    public void RejectsNonEmails(string value) => Assert.False(OrganisationRules.IsValidEmail(value));

    [Fact]
    public void RejectsEmailsLongerThan254Characters() =>
        Assert.False(OrganisationRules.IsValidEmail(new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com"));

    [Theory]
    [InlineData("13800005678")]
    [InlineData("+86 138-0000-5678")]
    [InlineData("010-65521234")]
    public void AcceptsPhones(string value) => Assert.True(OrganisationRules.IsValidPhone(value));

    [Theory]
    [InlineData("12345")] // too short
    [InlineData("+86 138 0000 5678 9999 1")] // too long
    [InlineData("138-0000-567a")]
    [InlineData("-13800005678")]
    [InlineData("13800005678\n")]
    [InlineData("")]
    public void RejectsNonPhones(string value) => Assert.False(OrganisationRules.IsValidPhone(value));

    [Theory]
    [InlineData("admin")]
    [InlineData("li.wei_2")]
    [InlineData("alice@example.com")]
    [InlineData("13800005678")]
    public void AcceptsLogins(string value) => Assert.True(OrganisationRules.IsValidLogin(value));

    [Theory]
    [InlineData("ab")] // user names have 3 to 64 characters
    [InlineData("1admin")]
    [InlineData("admin!")]
    [InlineData("ad min")]
    [InlineData("管理员")]
    [InlineData("admin\n")] // a trailing line break must not pass as part of a user name
    [InlineData("")]
    public void RejectsInvalidLogins(string value) => Assert.False(OrganisationRules.IsValidLogin(value));

    [Fact]
    public void RejectsUserNamesLongerThan64Characters()
    {
        Assert.True(OrganisationRules.IsValidLogin("a" + new string('b', 63)));
        Assert.False(OrganisationRules.IsValidLogin("a" + new string('b', 64)));
    }

    [Theory]
    [InlineData(" Admin ", "admin")]
    [InlineData("Alice@Example.COM", "alice@example.com")]
    [InlineData("+86 138-0000-5678", "8613800005678")]
    [InlineData(" 138 0000 5678 ", "13800005678")]
    [InlineData("ＡＤＭＩＮ", "admin")]
    public void NormalizesLogins(string login, string expected) => Assert.Equal(expected, OrganisationRules.NormalizeLogin(login));

    [Fact]
    public void PhoneWrittenTwoWaysIsOneLogin() =>
        Assert.Equal(OrganisationRules.NormalizeLogin("138-0000-5678"), OrganisationRules.NormalizeLogin("138 0000 5678"));
}
