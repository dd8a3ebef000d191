using Crm.Domain.Access;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Sales.Pipelines;

internal static class PipelineEndpoints
{
    public static IEndpointRouteBuilder MapPipelines(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/pipelines").WithTags("Pipelines");
        group.MapGet("/default", GetDefaultPipeline).AnyCaller().WithName("GetDefaultPipeline").WithSummary("The tenant's default pipeline");
        RecordApi<Pipeline, CreatePipeline, PipelineService>.Map(group, "Pipeline", "Pipelines", RecordPermissions.Managed(null, Permissions.SettingsManage));
        return routes;
    }

    public static async Task<Ok<Pipeline>> GetDefaultPipeline(PipelineService service, HttpContext context)
    {
        var pipeline = await service.DefaultAsync(context.Caller().TenantId, context.RequestAborted);
        Preconditions.SetETag(context, pipeline);
        return TypedResults.Ok(pipeline);
    }
}
