using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.ApiKeys;

public static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/api-keys").WithTags("API keys").RequirePermission(Permissions.ApiKeysManage);
        group.MapPost("/", CreateApiKey).WithName("CreateApiKey").WithSummary("Make an API key for a partner system; the answer shows the secret once");
        group.MapGet("/", ListApiKeys).WithName("ListApiKeys").WithSummary("The tenant's API keys, newest first, without secrets, with their last use");
        group.MapGet("/{id}", GetApiKey).WithName("GetApiKey").WithSummary("Read an API key (never its secret)");
        group.MapDelete("/{id}", RevokeApiKey).WithName("RevokeApiKey").WithSummary("Revoke an API key: its next request answers 401");
        return routes;
    }

    public static async Task<Created<ApiKeyView>> CreateApiKey(CreateApiKey input, ApiKeyService keys, HttpContext context)
    {
        var created = await keys.CreateAsync(context.Caller(), RequestValidation.Validate(input), context.RequestAborted);
        context.Response.Headers.ETag = Preconditions.ETag(created.Version);
        // The answer holds a secret: no intermediary may keep it.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"{context.Request.PathBase}/api/v1/api-keys/{created.Id}", created);
    }

    public static async Task<Ok<ApiKeyList>> ListApiKeys(ApiKeyService keys, HttpContext context) =>
        TypedResults.Ok(new ApiKeyList(await keys.ListAsync(context.Caller().TenantId, context.RequestAborted)));

    public static async Task<Ok<ApiKeyView>> GetApiKey(string id, ApiKeyService keys, HttpContext context)
    {
        var key = await keys.GetAsync(context.Caller().TenantId, id, context.RequestAborted);
        context.Response.Headers.ETag = Preconditions.ETag(key.Version);
        return TypedResults.Ok(key);
    }

    public static async Task<NoContent> RevokeApiKey(string id, ApiKeyService keys, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        await keys.RevokeAsync(caller, id, ifMatch, context.RequestAborted);
        return TypedResults.NoContent();
    }
}
