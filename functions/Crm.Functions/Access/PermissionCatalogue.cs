using Crm.Domain.Access;

namespace Crm.Functions.Access;

/// <summary>
/// Every operation permission the service knows: the product's modules (<see cref="Permissions.Modules"/>)
/// and those of record types registered in DI (<see cref="PermissionModule"/> singletons), so a record
/// type added by a feature, or by a test host, brings its own <c>{module}.view</c>, <c>.edit</c>...
/// </summary>
internal sealed class PermissionCatalogue(IEnumerable<PermissionModule> contributed)
{
    public IReadOnlyList<PermissionModule> Modules { get; } =
        [.. Permissions.Modules, .. contributed.Where(m => Permissions.Modules.All(p => p.Module != m.Module)).DistinctBy(m => m.Module)];

    public bool Contains(string permission) => Modules.Any(m => m.Permissions.Any(p => p.Code == permission));

    /// <summary>Whether the permission applies within a data scope (those of owned record modules).</summary>
    public bool IsScoped(string permission) => Modules.Any(m => m.Scoped && m.Permissions.Any(p => p.Code == permission));
}
