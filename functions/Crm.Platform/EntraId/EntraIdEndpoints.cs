using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.EntraId;

public static class EntraIdEndpoints
{
    public static IEndpointRouteBuilder MapEntraIdSettings(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/settings/entra-id").WithTags("Settings").RequirePermission(Permissions.SettingsManage);
        group.MapGet("/", GetEntraIdSettings).WithName("GetEntraIdSettings").WithSummary("Whether users may sign in with Microsoft Entra ID tokens, from which directory");
        group.MapPut("/", SetEntraIdSettings).WithName("SetEntraIdSettings").WithSummary("Accept (or stop accepting) Microsoft Entra ID tokens of one directory and audience");
        return routes;
    }

    public static async Task<Ok<EntraIdSettings>> GetEntraIdSettings(EntraIdDirectory directory, HttpContext context) =>
        TypedResults.Ok(await directory.GetAsync(context.Caller().TenantId, context.RequestAborted));

    public static async Task<Ok<EntraIdSettings>> SetEntraIdSettings(EntraIdSettings input, EntraIdDirectory directory, HttpContext context) =>
        TypedResults.Ok(await directory.SaveAsync(context.Caller().TenantId, RequestValidation.Validate(input), context.RequestAborted));
}
