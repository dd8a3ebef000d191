namespace Crm.Domain.Access;

/// <summary>What a module gives one built-in role of every new tenant: permission codes, those the catalogue lacks ignored.</summary>
public sealed record BuiltInRoleGrant(string Role, IReadOnlyList<string> Permissions)
{
    /// <summary>The given actions of the given modules (<c>customers.view</c>...): combinations the catalogue lacks are dropped when the roles are made.</summary>
    public static BuiltInRoleGrant Of(string role, IEnumerable<string> modules, params string[] actions) =>
        new(role, [.. modules.SelectMany(m => actions.Select(a => $"{m}.{a}"))]);
}

/// <summary>
/// The roles every tenant starts with (issue 3); tenants may change all but the first. Their permissions are
/// what the modules grant them (<see cref="BuiltInRoleGrant"/>); the read-only role sees every module there is.
/// A module added later does not change the roles of existing tenants: an administrator grants its permissions.
/// </summary>
public static class BuiltInRoles
{
    public const string SuperAdminKey = "superAdmin";
    public const string SalesManager = "salesManager";
    public const string SalesRep = "salesRep";
    public const string ServiceAgent = "serviceAgent";
    public const string ReadOnly = "readOnly";

    private static readonly Role[] Definitions =
    [
        new()
        {
            BuiltIn = SuperAdminKey,
            Name = "Super administrator",
            Description = "Everything, everywhere; the last one cannot be removed.",
            IsSuperAdmin = true,
            DataScope = DataScope.All,
        },
        new()
        {
            BuiltIn = SalesManager,
            Name = "Sales manager",
            Description = "Runs a sales team: all sales records of their department and its sub-departments.",
            DataScope = DataScope.DepartmentAndChildren,
        },
        new()
        {
            BuiltIn = SalesRep,
            Name = "Sales rep",
            Description = "Works their own leads, customers and deals.",
            DataScope = DataScope.Self,
        },
        new()
        {
            BuiltIn = ServiceAgent,
            Name = "Service agent",
            Description = "Handles the department's service tickets and sees the customers behind them.",
            DataScope = DataScope.Department,
        },
        new()
        {
            BuiltIn = ReadOnly,
            Name = "Read-only",
            Description = "Sees every record of the tenant and changes nothing.",
            DataScope = DataScope.All,
        },
    ];

    /// <summary>The built-in roles with what the modules grant them, in the catalogue's terms.</summary>
    public static IReadOnlyList<Role> Compose(IReadOnlyList<PermissionModule> catalogue, IEnumerable<BuiltInRoleGrant> grants)
    {
        var known = catalogue.SelectMany(m => m.Permissions).ToList();
        var byRole = grants.ToLookup(g => g.Role, StringComparer.Ordinal);
        return [.. Definitions.Select(role => role.IsSuperAdmin ? role : role with
        {
            Permissions = role.BuiltIn == ReadOnly
                ? [.. known.Where(p => p.Action == Access.Permissions.Actions.View).Select(p => p.Code)]
                : [.. known.Select(p => p.Code).Where(byRole[role.BuiltIn!].SelectMany(g => g.Permissions).ToHashSet(StringComparer.Ordinal).Contains)],
        })];
    }
}
