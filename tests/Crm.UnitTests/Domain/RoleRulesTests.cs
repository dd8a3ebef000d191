using Crm.Domain.Access;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class RoleRulesTests
{
    /// <summary>The platform's modules and two owned record modules, as the service's catalogue would hold them.</summary>
    private static readonly IReadOnlyList<PermissionModule> Catalogue =
        [.. Permissions.Platform, PermissionModule.ForRecords("customers", "Customers"), PermissionModule.ForRecords("contacts", "Contacts"),
         PermissionModule.ForRecords("leads", "Leads")];

    private static AccessProfile Holding(params string[] permissions) =>
        AccessProfile.From([new Role { Name = "r", Permissions = permissions, DataScope = DataScope.Self }]);

    [Fact]
    public void AcceptsCataloguePermissionsAndWellFormedFieldRules() =>
        RoleRules.Validate(["customers.view", "users.manage"],
            [new FieldRule("customers", "phone", FieldAccess.Masked), new FieldRule("contacts", "customFields.wechat", FieldAccess.Hidden)], Catalogue);

    [Fact]
    public void NamesEveryUnknownPermission()
    {
        var e = Assert.Throws<ValidationException>(() => RoleRules.Validate(["customers.view", "customers.fly", "x"], [], Catalogue));

        Assert.Equal("role.invalid", e.Code);
        Assert.Equal(["permissions"], e.Errors.Keys);
        Assert.Equal(2, e.Errors["permissions"].Length);
    }

    [Theory]
    [InlineData("planets", "name")]
    [InlineData("customers", "Phone")]
    [InlineData("customers", "phone number")]
    [InlineData("customers", "")]
    [InlineData("customers.view", "phone")]
    public void RefusesFieldRulesOutsideTheCatalogueOrNotCamelCase(string entity, string field)
    {
        var e = Assert.Throws<ValidationException>(() => RoleRules.Validate([], [new FieldRule(entity, field, FieldAccess.Hidden)], Catalogue));

        Assert.Equal(["fieldRules"], e.Errors.Keys);
    }

    [Fact]
    public void RefusesTwoRulesForOneField()
    {
        var e = Assert.Throws<ValidationException>(() => RoleRules.Validate([],
            [new FieldRule("customers", "phone", FieldAccess.Hidden), new FieldRule("customers", "phone", FieldAccess.Masked)], Catalogue));

        Assert.Equal(["fieldRules"], e.Errors.Keys);
    }

    [Fact]
    public void NoOneButASuperAdminGrantsWhatTheyLack()
    {
        var actor = Holding("roles.manage", "leads.view");

        Assert.Equal(["customers.export"], RoleRules.NotHeld(actor, ["leads.view", "customers.export"], DataScope.Self, Scoped));
        var e = Assert.Throws<ForbiddenException>(() => RoleRules.EnsureNoEscalation(actor, ["customers.export"], DataScope.Self, Scoped));
        Assert.Equal("role.escalation", e.Code);
        RoleRules.EnsureNoEscalation(AccessProfile.SuperAdmin, ["customers.export"], DataScope.All, Scoped);
    }

    [Fact]
    public void KeepingPermissionsARoleAlreadyHadIsNoEscalation() =>
        RoleRules.EnsureNoEscalation(Holding("roles.manage"), ["customers.export", "leads.view"], DataScope.Self, Scoped,
            ["customers.export", "leads.view", "leads.edit"], DataScope.Department);

    [Fact]
    public void WideningTheScopeOfRecordPermissionsOneHoldsNarrowerIsAnEscalation()
    {
        var manager = AccessProfile.From([new Role { Permissions = ["roles.manage", "users.manage", "leads.view"], DataScope = DataScope.Department }]);

        Assert.Empty(RoleRules.NotHeld(manager, ["leads.view"], DataScope.Department, Scoped));
        Assert.Empty(RoleRules.NotHeld(manager, ["leads.view"], DataScope.Self, Scoped));
        Assert.Equal(["leads.view"], RoleRules.NotHeld(manager, ["leads.view", "users.manage"], DataScope.All, Scoped));
        // A role that already reached everyone keeps doing so when someone narrower renames it.
        Assert.Empty(RoleRules.NotHeld(manager, ["leads.view"], DataScope.All, Scoped, ["leads.view"], DataScope.All));
        // Widening it is not keeping it.
        Assert.Equal(["leads.view"], RoleRules.NotHeld(manager, ["leads.view"], DataScope.All, Scoped, ["leads.view"], DataScope.Department));
    }

    private static bool Scoped(string permission) =>
        Catalogue.Any(m => m.Scoped && m.Permissions.Any(p => p.Code == permission));

    [Fact]
    public void OnlyASuperAdminHandsOutTheSuperAdminRole()
    {
        Assert.Equal("role.escalation", Assert.Throws<ForbiddenException>(() => RoleRules.EnsureMayGrantSuperAdmin(Holding("users.manage"))).Code);
        RoleRules.EnsureMayGrantSuperAdmin(AccessProfile.SuperAdmin);
    }
}
