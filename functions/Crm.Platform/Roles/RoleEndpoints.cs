using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Roles;

public static class RoleEndpoints
{
    public static IEndpointRouteBuilder MapRoles(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/permissions", GetPermissionCatalogue).WithTags("Roles").RequirePermission(Permissions.RolesView)
            .WithName("GetPermissionCatalogue").WithSummary("Every operation permission, per module, and the data scopes a role can have");
        var group = routes.MapGroup("/api/v1/roles").WithTags("Roles");
        RecordApi<Role, CreateRole, RoleService>.Map(group, "Role", "Roles", RecordPermissions.Managed(Permissions.RolesView, Permissions.RolesManage));
        return routes;
    }

    public static Ok<PermissionCatalogueView> GetPermissionCatalogue(PermissionCatalogue catalogue) =>
        TypedResults.Ok(new PermissionCatalogueView(catalogue.Modules, Enum.GetValues<DataScope>()));
}
