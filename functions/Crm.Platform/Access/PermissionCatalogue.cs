using Crm.Domain.Access;

namespace Crm.Platform.Access;

/// <summary>
/// Every operation permission the service knows, as the modules declared them (<see cref="PermissionModule"/>
/// singletons: the platform's own, each owned record type's from <c>AddOwnedRecords</c>, and any a module adds),
/// so a record type added by a module, or by a test host, brings its own <c>{module}.view</c>, <c>.edit</c>...
/// The first declaration of a module wins.
/// </summary>
public sealed class PermissionCatalogue(IEnumerable<PermissionModule> declared)
{
    public IReadOnlyList<PermissionModule> Modules { get; } = [.. declared.DistinctBy(m => m.Module)];

    public bool Contains(string permission) => Modules.Any(m => m.Permissions.Any(p => p.Code == permission));

    /// <summary>Whether the permission applies within a data scope (those of owned record modules).</summary>
    public bool IsScoped(string permission) => Modules.Any(m => m.Scoped && m.Permissions.Any(p => p.Code == permission));
}

public static class PermissionRegistration
{
    /// <summary>Declares permission modules: listed by <c>GET /api/v1/permissions</c>, grantable in roles.</summary>
    public static IServiceCollection AddPermissionModules(this IServiceCollection services, IEnumerable<PermissionModule> modules)
    {
        foreach (var module in modules)
        {
            services.AddSingleton(module);
        }
        return services;
    }

    /// <summary>What the module gives built-in roles of new tenants (see <see cref="BuiltInRoles.Compose"/>).</summary>
    public static IServiceCollection AddBuiltInRoleGrants(this IServiceCollection services, params BuiltInRoleGrant[] grants)
    {
        foreach (var grant in grants)
        {
            services.AddSingleton(grant);
        }
        return services;
    }
}
