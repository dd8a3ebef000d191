namespace Crm.Domain.Access;

/// <summary>The roles every tenant starts with (issue 3); tenants may change all but the first.</summary>
public static class BuiltInRoles
{
    public const string SuperAdminKey = "superAdmin";

    private static readonly string[] SalesModules = ["leads", "customers", "contacts", "opportunities", "followups", "quotes", "contracts", "tasks"];

    public static IReadOnlyList<Role> All { get; } =
    [
        new Role
        {
            BuiltIn = SuperAdminKey,
            Name = "Super administrator",
            Description = "Everything, everywhere; the last one cannot be removed.",
            IsSuperAdmin = true,
            DataScope = DataScope.All,
        },
        new Role
        {
            BuiltIn = "salesManager",
            Name = "Sales manager",
            Description = "Runs a sales team: all sales records of their department and its sub-departments.",
            DataScope = DataScope.DepartmentAndChildren,
            Permissions = [.. Codes(SalesModules, "view", "create", "edit", "delete", "import", "export", "transfer", "convert", "assign", "merge", "lock"),
                "products.view", "receipts.view", "approvals.view", "approvals.approve", "reports.view", "reports.export"],
        },
        new Role
        {
            BuiltIn = "salesRep",
            Name = "Sales rep",
            Description = "Works their own leads, customers and deals.",
            DataScope = DataScope.Self,
            Permissions = [.. Codes(SalesModules, "view", "create", "edit", "convert"), "followups.delete", "tasks.delete",
                "products.view", "approvals.view", "reports.view"],
        },
        new Role
        {
            BuiltIn = "serviceAgent",
            Name = "Service agent",
            Description = "Handles the department's service tickets and sees the customers behind them.",
            DataScope = DataScope.Department,
            Permissions = [.. Codes(["tickets"], "view", "create", "edit", "assign"), .. Codes(["followups", "tasks"], "view", "create", "edit"),
                "customers.view", "contacts.view", "products.view", "reports.view"],
        },
        new Role
        {
            BuiltIn = "readOnly",
            Name = "Read-only",
            Description = "Sees every record of the tenant and changes nothing.",
            DataScope = DataScope.All,
            Permissions = [.. Permissions.Modules.SelectMany(m => m.Permissions).Where(p => p.Action == "view").Select(p => p.Code)],
        },
    ];

    /// <summary>Only the codes the catalogue has: not every module has every action.</summary>
    private static IEnumerable<string> Codes(IEnumerable<string> modules, params string[] actions)
    {
        var known = Permissions.Modules.SelectMany(m => m.Permissions).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        return modules.SelectMany(m => actions.Select(a => $"{m}.{a}")).Where(known.Contains);
    }
}
