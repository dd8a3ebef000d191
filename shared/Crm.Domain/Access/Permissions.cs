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
/// The platform's operation permissions (seed 3 "权限系统"). Each module of the product declares its own
/// permission modules and what the built-in roles get of them when it is added (the sales module: leads,
/// customers, contacts, opportunities, follow-ups), so the catalogue lists what this service has.
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
    public const string WebhooksManage = "webhooks.manage";

    public static readonly IReadOnlyList<PermissionModule> Platform =
    [
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
        PermissionModule.Of("settings", "Settings", ("manage", "Tenant settings, dictionaries, custom fields, pipelines")),
        PermissionModule.Of("webhooks", "Webhooks", ("manage", "Subscribe partner systems to events; read delivery logs; redeliver")),
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
