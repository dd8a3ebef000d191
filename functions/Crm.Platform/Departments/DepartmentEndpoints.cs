using Crm.Domain.Access;
using Crm.Domain.Organisation;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Departments;

public static class DepartmentEndpoints
{
    public static IEndpointRouteBuilder MapDepartments(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/departments").WithTags("Departments");
        group.MapGet("/tree", GetDepartmentTree).AnyCaller().WithName("GetDepartmentTree").WithSummary("The whole department tree, children ordered by sort order then name");
        RecordApi<Department, CreateDepartment, DepartmentService>.Map(group, "Department", "Departments", RecordPermissions.Managed(null, Permissions.DepartmentsManage));
        return routes;
    }

    public static async Task<Ok<IReadOnlyList<TreeNode>>> GetDepartmentTree(DepartmentService service, HttpContext context) =>
        TypedResults.Ok(await service.TreeAsync(context.Caller().TenantId, context.RequestAborted));
}
