using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Dictionaries;

public static class DictionaryEndpoints
{
    public static IEndpointRouteBuilder MapDictionaries(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/dictionaries").WithTags("Dictionaries");
        group.MapGet("/", ListDictionaries).AnyCaller().WithName("ListDictionaries").WithSummary("The data dictionaries (picklists) with their names and titles");
        group.MapGet("/{name}/items", ListDictionaryItems).AnyCaller().WithName("ListDictionaryItems")
            .WithSummary("A dictionary's items in picker order; retired ones too unless active=true");
        group.MapGet("/{name}/items/{value}", GetDictionaryItem).AnyCaller().WithName("GetDictionaryItem").WithSummary("Read a dictionary item");
        group.MapPost("/{name}/items", CreateDictionaryItem).RequirePermission(Permissions.SettingsManage).WithName("CreateDictionaryItem").WithSummary("Add an item to a dictionary");
        group.MapPatch("/{name}/items/{value}", UpdateDictionaryItem).RequirePermission(Permissions.SettingsManage).WithName("UpdateDictionaryItem")
            .WithSummary("Change an item's label, sort order or active flag (JSON merge patch); its value stays")
            .AcceptsMergePatch<DictionaryItemChanges>();
        group.MapPost("/{name}/items/{value}/retire", RetireDictionaryItem).RequirePermission(Permissions.SettingsManage).WithName("RetireDictionaryItem").ChecksIfMatch()
            .WithSummary("Retire an item: records keep it, it cannot be chosen anew");
        group.MapPost("/{name}/items/{value}/reactivate", ReactivateDictionaryItem).RequirePermission(Permissions.SettingsManage).WithName("ReactivateDictionaryItem").ChecksIfMatch()
            .WithSummary("Make a retired item choosable again");
        return routes;
    }

    public static async Task<Ok<Page<DictionarySummary>>> ListDictionaries(DictionaryDirectory directory, HttpContext context)
    {
        var items = await directory.AllAsync(context.Caller().TenantId, context.RequestAborted);
        return TypedResults.Ok(new Page<DictionarySummary>([.. directory.Definitions.Select(d => new DictionarySummary(d.Name, d.Title,
            items.Count(i => i.Dictionary == d.Name && i.Active), items.Count(i => i.Dictionary == d.Name && !i.Active)))], null));
    }

    public static async Task<Ok<Page<DictionaryItem>>> ListDictionaryItems(string name, DictionaryDirectory directory, HttpContext context, bool? active = null)
    {
        directory.Definition(name);
        var items = await directory.ItemsAsync(context.Caller().TenantId, name, context.RequestAborted);
        return TypedResults.Ok(new Page<DictionaryItem>([.. items.Where(i => active is null || i.Active == active)], null));
    }

    public static async Task<Ok<DictionaryItem>> GetDictionaryItem(string name, string value, DictionaryService service, HttpContext context)
    {
        var item = await service.GetAsync(context.Caller().TenantId, name, value, context.RequestAborted);
        Preconditions.SetETag(context, item);
        return TypedResults.Ok(item);
    }

    public static async Task<Created<DictionaryItem>> CreateDictionaryItem(string name, CreateDictionaryItem input, DictionaryService service, HttpContext context)
    {
        var created = await service.CreateAsync(context.Caller(), name, RequestValidation.Validate(input), context.RequestAborted);
        Preconditions.SetETag(context, created);
        return TypedResults.Created($"/api/v1/dictionaries/{name}/items/{created.Value}", created);
    }

    public static async Task<Ok<DictionaryItem>> UpdateDictionaryItem(string name, string value, JsonObject patch, DictionaryService service, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var updated = await service.UpdateAsync(caller, name, value, ifMatch, patch, context.RequestAborted);
        Preconditions.SetETag(context, updated);
        return TypedResults.Ok(updated);
    }

    public static Task<Ok<DictionaryItem>> RetireDictionaryItem(string name, string value, DictionaryService service, HttpContext context) =>
        SetActiveAsync(name, value, false, service, context);

    public static Task<Ok<DictionaryItem>> ReactivateDictionaryItem(string name, string value, DictionaryService service, HttpContext context) =>
        SetActiveAsync(name, value, true, service, context);

    private static async Task<Ok<DictionaryItem>> SetActiveAsync(string name, string value, bool active, DictionaryService service, HttpContext context)
    {
        var updated = await service.SetActiveAsync(context.Caller(), name, value, active, Preconditions.IfMatch(context), context.RequestAborted);
        Preconditions.SetETag(context, updated);
        return TypedResults.Ok(updated);
    }
}
