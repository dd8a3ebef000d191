using System.Text.Json.Nodes;
using Crm.Domain.Querying;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.SavedViews;

public static class SavedViewRegistration
{
    public static IServiceCollection AddSavedViews(this IServiceCollection services)
    {
        services.AddRecordType<SavedView, SavedViewRecordType>();
        services.AddSingleton<SavedViewService>();
        services.AddSingleton<IApiFeature, SavedViewEndpoints>();
        return services;
    }
}

/// <summary>
/// <c>/api/v1/saved-views</c>, open to every signed-in caller: a view holds no data, and running it
/// (<c>POST /api/v1/{entityType}/search</c> with its filters and sort) applies the runner's own scope.
/// </summary>
public sealed class SavedViewEndpoints : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/saved-views").WithTags("Saved views").AnyCaller();
        group.MapPost("/", CreateSavedView).WithName("CreateSavedView").WithSummary("Save a named search (filter groups, sort, columns) of a record type");
        group.MapGet("/", ListSavedViews).WithName("ListSavedViews").WithSummary("Your saved views and the shared ones; filter with entityType=...");
        group.MapGet("/{id}", GetSavedView).WithName("GetSavedView").WithSummary("Read a saved view (yours, or a shared one)");
        group.MapPatch("/{id}", UpdateSavedView).WithName("UpdateSavedView").WithSummary("Change a saved view (author or settings.manage; JSON merge patch)")
            .AcceptsMergePatch<SavedViewChanges>();
        group.MapDelete("/{id}", DeleteSavedView).WithName("DeleteSavedView").WithSummary("Delete a saved view (author or settings.manage)");
    }

    public static async Task<Created<SavedView>> CreateSavedView(CreateSavedView input, SavedViewService views, HttpContext context)
    {
        var created = await views.CreateAsync(context.Caller(), input, context.RequestAborted);
        Preconditions.SetETag(context, created);
        return TypedResults.Created($"/api/v1/saved-views/{created.Id}", created);
    }

    public static async Task<Ok<Page<SavedView>>> ListSavedViews(SavedViewService views, TenantStore tenants, TimeProvider clock, HttpContext context,
        int? limit = null, string? cursor = null, string? sort = null, string? q = null)
    {
        var caller = context.Caller();
        var query = await ListParameters.ReadAsync(context, tenants, caller.TenantId, clock);
        return TypedResults.Ok(await views.ListAsync(caller, query, context.RequestAborted));
    }

    public static async Task<Ok<SavedView>> GetSavedView(string id, SavedViewService views, HttpContext context)
    {
        var view = await views.GetAsync(context.Caller(), id, context.RequestAborted);
        Preconditions.SetETag(context, view);
        return TypedResults.Ok(view);
    }

    public static async Task<Ok<SavedView>> UpdateSavedView(string id, JsonObject patch, SavedViewService views, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var updated = await views.UpdateAsync(caller, id, ifMatch, patch, context.RequestAborted);
        Preconditions.SetETag(context, updated);
        return TypedResults.Ok(updated);
    }

    public static async Task<NoContent> DeleteSavedView(string id, SavedViewService views, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        await views.DeleteAsync(caller, id, ifMatch, context.RequestAborted);
        return TypedResults.NoContent();
    }
}
