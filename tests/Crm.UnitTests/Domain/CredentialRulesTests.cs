using System.Net;
using Crm.Domain.Access;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class CredentialRulesTests
{
    private static IpRule Rule(string cidr, IpRuleKind kind) => new() { Cidr = IpRuleSet.NormalizeCidr(cidr), Kind = kind };

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("10.9.9.9", false)]
    [InlineData("192.0.2.1", false)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("2001:db8::1", true)]
    public void AllowListAdmitsOnlyItsNetworksAndBlockWins(string address, bool allowed)
    {
        IpRule[] rules = [Rule("10.0.0.0/8", IpRuleKind.Allow), Rule("10.9.0.0/16", IpRuleKind.Block), Rule("2001:db8::/32", IpRuleKind.Allow)];
        Assert.Equal(allowed, IpRuleSet.Allows(rules, IPAddress.Parse(address)));
    }

    [Fact]
    public void NoRulesAdmitEveryoneAndAnUnknownAddressOnlyWithoutAllowRules()
    {
        Assert.True(IpRuleSet.Allows([], null));
        Assert.True(IpRuleSet.Allows([Rule("192.0.2.0/24", IpRuleKind.Block)], null));
        Assert.False(IpRuleSet.Allows([Rule("192.0.2.0/24", IpRuleKind.Allow)], null));
    }

    [Theory]
    [InlineData("1.2.3.4/33")]
    [InlineData("1.2.3/24")]
    [InlineData("::/129")]
    [InlineData("")]
    public void RefusesMalformedNetworks(string cidr) =>
        Assert.Equal("cidr", Assert.Single(Assert.Throws<ValidationException>(() => IpRuleSet.NormalizeCidr(cidr)).Errors.Keys));

    [Theory]
    [InlineData(DataScope.All, DataScope.Department, true)]
    [InlineData(DataScope.DepartmentAndChildren, DataScope.Department, true)]
    [InlineData(DataScope.Department, DataScope.DepartmentAndChildren, false)]
    [InlineData(DataScope.SelfAndSubordinates, DataScope.Department, false)]
    [InlineData(DataScope.Department, DataScope.SelfAndSubordinates, false)]
    [InlineData(DataScope.SelfAndSubordinates, DataScope.Self, true)]
    [InlineData(DataScope.Self, DataScope.All, false)]
    public void AScopeIncludesOnlyScopesThatReachNoOneElse(DataScope outer, DataScope inner, bool included) =>
        Assert.Equal(included, DataScopes.Includes(outer, inner));

    [Fact]
    public void AKeyExceedsItsMakerByPermissionOrByScope()
    {
        var maker = AccessProfile.From([
            new Role { Permissions = ["customers.view", "customers.edit"], DataScope = DataScope.Department },
            new Role { Permissions = ["customers.view"], DataScope = DataScope.All },
        ]);
        static bool Scoped(string p) => p.StartsWith("customers.", StringComparison.Ordinal);
        Assert.Empty(DataScopes.Exceeding(maker, ["customers.view"], DataScope.All, Scoped));
        Assert.Equal(["customers.edit"], DataScopes.Exceeding(maker, ["customers.view", "customers.edit"], DataScope.All, Scoped));
        Assert.Equal(["users.manage"], DataScopes.Exceeding(maker, ["users.manage", "customers.edit"], DataScope.Self, Scoped));
        Assert.Empty(DataScopes.Exceeding(AccessProfile.SuperAdmin, ["users.manage"], DataScope.All, Scoped));
        // Tenant-wide permissions have no scope to exceed.
        var admin = AccessProfile.From([new Role { Permissions = ["users.manage"], DataScope = DataScope.Self }]);
        Assert.Empty(DataScopes.Exceeding(admin, ["users.manage"], DataScope.All, Scoped));
        Assert.False(new ApiKey { Permissions = ["customers.view"], DataScope = DataScope.All }.Profile().Has("customers.edit"));
    }
}
