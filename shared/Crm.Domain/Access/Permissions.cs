namespace Crm.Domain.Access;

/// <summary>One operation permission, e.g. <c>customers.export</c>: a module and an action.</summary>
public sealed record Permission(string Code, string Module, string Action, string Description);

/// <summary>
/// A module's permissions as the catalogue lists them. <see cref="Scoped"/> modules hold owned records,
/// so their permissions apply within a data scope; the others (users, roles, settings...) are tenant-wide.
/// </summary>
public sealed record PermissionModule(string Module, string Title, IReadOnlyList<Permission> Permissions, bool Scoped = false)
{
    public static PermissionModule Of(string module, string title, params (string Action, string Description)[] actions) =>
        new(module, title, [.. actions.Select(a => new Permission($"{module}.{a.Action}", module, a.Action, a.Description))]);

    /// <summary>The actions every owned record type has (PRODUCT.md section 1), plus its own.</summary>
    public static PermissionModule ForRecords(string module, string title, params (string Action, string Description)[] extra) =>
        Of(module, title, [
            ("view", $"See {title.ToLowerInvariant()} within the data scope"),
            ("create", $"Create {title.ToLowerInvariant()}"),
            ("edit", $"Change {title.ToLowerInvariant()} within the data scope"),
            ("delete", $"Delete {title.ToLowerInvariant()} within the data scope"),
            ("import", $"Import {title.ToLowerInvariant()}"),
            ("export", $"Export {title.ToLowerInvariant()} within the data scope"),
            .. extra,
        ]) with { Scoped = true };
}

/// <summary>
/// The product's operation permissions (seed 3 "权限系统"): every module of PRODUCT.md, whether or
/// not its endpoints exist yet, so that roles can be set up once and keep meaning the same.
/// </summary>
public static class Permissions
{
    public const string UsersManage = "users.manage";
    public const string DepartmentsManage = "departments.manage";
    public const string RolesView = "roles.view";
    public const string RolesManage = "roles.manage";
    public const string ApiKeysManage = "apiKeys.manage";
    public const string IpRulesManage = "ipRules.manage";
    public const string LoginLogsView = "loginLogs.view";
    public const string AuditLogsView = "auditLogs.view";
    public const string RecycleBinManage = "recycleBin.manage";
    public const string EventsView = "events.view";
    public const string SettingsManage = "settings.manage";

    public static readonly IReadOnlyList<PermissionModule> Modules =
    [
        PermissionModule.ForRecords("leads", "Leads", ("transfer", "Give leads to another owner"), ("convert", "Convert leads into customers")),
        PermissionModule.ForRecords("customers", "Customers",
            ("transfer", "Give customers to another owner"), ("assign", "Assign customers from the public pool"),
            ("merge", "Merge duplicate customers"), ("lock", "Lock and unlock customers")),
        PermissionModule.ForRecords("contacts", "Contacts"),
        PermissionModule.ForRecords("opportunities", "Opportunities", ("transfer", "Give opportunities to another owner")),
        PermissionModule.ForRecords("followups", "Follow-ups"),
        PermissionModule.ForRecords("products", "Products"),
        PermissionModule.ForRecords("quotes", "Quotes"),
        PermissionModule.ForRecords("contracts", "Contracts", ("transfer", "Give contracts to another owner")),
        PermissionModule.ForRecords("receipts", "Receipts"),
        PermissionModule.ForRecords("invoices", "Invoices"),
        PermissionModule.ForRecords("shipments", "Shipments"),
        PermissionModule.ForRecords("tickets", "Service tickets", ("assign", "Assign tickets to agents")),
        PermissionModule.ForRecords("campaigns", "Campaigns", ("send", "Send campaigns by e-mail and SMS")),
        PermissionModule.ForRecords("tasks", "Tasks and events"),
        PermissionModule.Of("approvals", "Approvals",
            ("view", "See approval requests"), ("approve", "Approve or reject requests"), ("manage", "Configure approval flows")),
        PermissionModule.Of("reports", "Reports and dashboards",
            ("view", "See reports and dashboards within the data scope"), ("export", "Export reports"), ("manage", "Design dashboards")),
        // Every signed-in user sees the staff directory (to pick owners and colleagues); field rules can mask it.
        PermissionModule.Of("users", "Users", ("manage", "Create, change, disable and unlock users; assign roles")),
        PermissionModule.Of("departments", "Departments", ("manage", "Create, rename, move and delete departments")),
        PermissionModule.Of("roles", "Roles", ("view", "See roles and the permission catalogue"), ("manage", "Create, change and delete roles")),
        PermissionModule.Of("apiKeys", "API keys", ("manage", "Create, list and revoke API keys")),
        PermissionModule.Of("ipRules", "IP rules", ("manage", "Set the tenant's IP allow- and block-lists")),
        PermissionModule.Of("loginLogs", "Login log", ("view", "See the login log")),
        PermissionModule.Of("auditLogs", "Operation log", ("view", "See the operation log")),
        PermissionModule.Of("recycleBin", "Recycle bin", ("manage", "Restore and purge deleted records")),
        PermissionModule.Of("events", "Change feed", ("view", "Read the change feed")),
        PermissionModule.Of("settings", "Settings", ("manage", "Tenant settings, dictionaries, custom fields, pipelines, webhooks")),
    ];

    /// <summary>The record-level actions a data scope applies to.</summary>
    public static class Actions
    {
        public const string View = "view";
        public const string Create = "create";
        public const string Edit = "edit";
        public const string Delete = "delete";
        public const string Export = "export";
        public const string Import = "import";
    }
}
