using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.CustomFields;

public static class CustomFieldEndpoints
{
    public static IEndpointRouteBuilder MapCustomFields(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/custom-fields/{entityType}").WithTags("Custom fields");
        group.MapGet("/", ListCustomFields).AnyCaller().WithName("ListCustomFields").WithSummary("The custom fields of a record type, in display order");
        group.MapGet("/{key}", GetCustomField).AnyCaller().WithName("GetCustomField").WithSummary("Read a custom field definition");
        group.MapPost("/", CreateCustomField).RequirePermission(Permissions.SettingsManage).WithName("CreateCustomField").WithSummary("Define a custom field on a record type");
        group.MapPatch("/{key}", UpdateCustomField).RequirePermission(Permissions.SettingsManage).WithName("UpdateCustomField")
            .WithSummary("Change a custom field (JSON merge patch); its type stays while records hold values")
            .AcceptsMergePatch<CustomFieldChanges>();
        group.MapDelete("/{key}", DeleteCustomField).RequirePermission(Permissions.SettingsManage).WithName("DeleteCustomField")
            .WithSummary("Delete a custom field no record holds a value of");
        return routes;
    }

    public static async Task<Ok<Page<CustomFieldDefinition>>> ListCustomFields(string entityType, CustomFieldDirectory directory, HttpContext context)
    {
        directory.Holder(entityType);
        return TypedResults.Ok(new Page<CustomFieldDefinition>(await directory.ForEntityAsync(context.Caller().TenantId, entityType, context.RequestAborted), null));
    }

    public static async Task<Ok<CustomFieldDefinition>> GetCustomField(string entityType, string key, CustomFieldService service, HttpContext context)
    {
        var field = await service.GetAsync(context.Caller().TenantId, entityType, key, context.RequestAborted);
        Preconditions.SetETag(context, field);
        return TypedResults.Ok(field);
    }

    public static async Task<Created<CustomFieldDefinition>> CreateCustomField(string entityType, CreateCustomField input, CustomFieldService service, HttpContext context)
    {
        var created = await service.CreateAsync(context.Caller(), entityType, RequestValidation.Validate(input), context.RequestAborted);
        Preconditions.SetETag(context, created);
        return TypedResults.Created($"/api/v1/custom-fields/{entityType}/{created.Key}", created);
    }

    public static async Task<Ok<CustomFieldDefinition>> UpdateCustomField(string entityType, string key, JsonObject patch, CustomFieldService service, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var updated = await service.UpdateAsync(caller, entityType, key, ifMatch, patch, context.RequestAborted);
        Preconditions.SetETag(context, updated);
        return TypedResults.Ok(updated);
    }

    public static async Task<NoContent> DeleteCustomField(string entityType, string key, CustomFieldService service, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        await service.DeleteAsync(caller, entityType, key, ifMatch, context.RequestAborted);
        return TypedResults.NoContent();
    }
}
