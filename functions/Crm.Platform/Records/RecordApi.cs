using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Records;

/// <summary>
/// The CRUD, list, search and batch endpoints every record type shares (API.md), mapped onto a
/// feature's route group. Features add their own actions beside them. Owned records get data scope
/// (<see cref="RecordWriter{T, TCreate, TService}"/>); every answer follows the caller's field rules.
/// </summary>
public static class RecordApi<T, TCreate, TService>
    where T : RecordBase where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    public static void Map(RouteGroupBuilder group, string pascalName, string pascalPlural, RecordPermissions permissions, bool canDelete = true)
    {
        var lower = pascalName.ToLowerInvariant();
        var lowerPlural = pascalPlural.ToLowerInvariant();
        Declare(group.MapPost("/", Create), permissions.Create).WithName($"Create{pascalName}").WithSummary($"Create a {lower}");
        Declare(group.MapGet("/", List), permissions.View).WithName($"List{pascalPlural}").WithSummary($"List {lowerPlural}, newest change first; filter with query parameters named after fields")
            .WithMetadata(ListParameters.Filters<T>(group));
        Declare(group.MapGet("/{id}", Get), permissions.View).WithName($"Get{pascalName}").WithSummary($"Read a {lower}");
        Declare(group.MapPatch("/{id}", Update), permissions.Edit).WithName($"Update{pascalName}").WithSummary($"Change a {lower} (JSON merge patch)")
            .AcceptsMergePatch(TService.Changes);
        if (canDelete)
        {
            Declare(group.MapDelete("/{id}", Delete), permissions.Delete).WithName($"Delete{pascalName}").WithSummary($"Move a {lower} to the recycle bin");
        }
        Declare(group.MapPost("/search", Search), permissions.View).WithName($"Search{pascalPlural}").WithSummary($"Search {lowerPlural} with filter groups");
        DeclareBatch(group.MapPost("/batch/create", BatchCreate), permissions.Create).WithName($"BatchCreate{pascalPlural}")
            .WithSummary($"Create up to 100 {lowerPlural}, each on its own").WithMetadata(new BatchCreateBody(typeof(TCreate)));
        DeclareBatch(group.MapPost("/batch/update", BatchUpdate), permissions.Edit).WithName($"BatchUpdate{pascalPlural}")
            .WithSummary($"Change up to 100 {lowerPlural} with merge patches, each on its own").WithMetadata(new BatchPatchBody(TService.Changes));
        DeclareBatch(group.MapPost("/batch/read", BatchRead), permissions.View).WithName($"BatchRead{pascalPlural}").WithSummary($"Read up to 100 {lowerPlural}");
        if (canDelete)
        {
            DeclareBatch(group.MapPost("/batch/delete", BatchDelete), permissions.Delete).WithName($"BatchDelete{pascalPlural}")
                .WithSummary($"Move up to 100 {lowerPlural} to the recycle bin, each on its own");
        }
    }

    private static RouteHandlerBuilder DeclareBatch(RouteHandlerBuilder endpoint, string? permission) => Declare(endpoint, permission).ProducesBatch();

    private static RouteHandlerBuilder Declare(RouteHandlerBuilder endpoint, string? permission) =>
        permission is null ? endpoint.AnyCaller() : endpoint.RequirePermission(permission);

    public static async Task<CreatedRecordJson<T>> Create(TCreate input, RecordWriter<T, TCreate, TService> records, HttpContext context)
    {
        var caller = context.Caller();
        var created = await records.CreateAsync(caller, RequestValidation.Validate(input), context.RequestAborted);
        Preconditions.SetETag(context, created);
        return new CreatedRecordJson<T>(RecordShape.Answer(caller, records.Module, created),
            $"{context.Request.PathBase}{context.Request.Path.Value!.TrimEnd('/')}/{created.Id}");
    }

    public static async Task<RecordJson<T>> Get(string id, RecordWriter<T, TCreate, TService> records, HttpContext context)
    {
        var caller = context.Caller();
        var record = await records.ReadAsync(caller, id, context.RequestAborted);
        Preconditions.SetETag(context, record);
        return new RecordJson<T>(RecordShape.Answer(caller, records.Module, record));
    }

    public static async Task<RecordJson<T>> Update(string id, JsonObject patch, RecordWriter<T, TCreate, TService> records, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var updated = await records.UpdateAsync(caller, id, ifMatch, patch, context.RequestAborted);
        Preconditions.SetETag(context, updated);
        return new RecordJson<T>(RecordShape.Answer(caller, records.Module, updated));
    }

    public static async Task<NoContent> Delete(string id, RecordWriter<T, TCreate, TService> records, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        await records.DeleteAsync(caller, id, ifMatch, context.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The named query parameters are declared so the OpenAPI document shows them; the values are read
    /// with the field filters by <see cref="ListParameters"/>, which knows every parameter's rules.
    /// </summary>
    public static async Task<RecordJson<Page<T>>> List(RecordWriter<T, TCreate, TService> records, TenantStore tenants, TimeProvider clock, HttpContext context,
        int? limit = null, string? cursor = null, string? sort = null, string? q = null)
    {
        var caller = context.Caller();
        var query = await ListParameters.ReadAsync(context, tenants, caller.TenantId, clock);
        var page = await records.ListAsync(caller, query, context.RequestAborted);
        return new RecordJson<Page<T>>(RecordShape.Page(caller, records.Module, page));
    }

    public static async Task<RecordJson<Page<T>>> Search(SearchRequest request, RecordWriter<T, TCreate, TService> records, TenantStore tenants, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        var tenant = await tenants.FindAsync(caller.TenantId, context.RequestAborted);
        var query = SearchQueries.From(request, clock.GetUtcNow(), tenant?.Zone ?? TimeZoneInfo.Utc);
        var page = await records.ListAsync(caller, query, context.RequestAborted);
        return new RecordJson<Page<T>>(RecordShape.Page(caller, records.Module, page));
    }

    public static Task<IResult> BatchCreate(BatchRequest<JsonElement> request, RecordWriter<T, TCreate, TService> records, HttpContext context) =>
        Batch.RunAsync(request, context, async (item, index) =>
        {
            var caller = context.Caller();
            var input = RequestValidation.Validate(RequestValidation.Bind<TCreate>(JsonSerializer.SerializeToNode(item)));
            var created = await records.CreateAsync(caller, input, context.RequestAborted);
            return new BatchResult(index, 201, created.Id, RecordShape.Of(caller, records.Module, created));
        });

    public static async Task<IResult> BatchUpdate(BatchRequest<BatchUpdateInput> request, RecordWriter<T, TCreate, TService> records, TenantStore tenants, HttpContext context)
    {
        var requireIfMatch = await RequiresIfMatchAsync(tenants, context);
        return await Batch.RunAsync(request, context, async (item, index) =>
        {
            EnsureIfMatch(requireIfMatch, item.IfMatch);
            var caller = context.Caller();
            var updated = await records.UpdateAsync(caller, item.Id, item.IfMatch, item.Patch, context.RequestAborted);
            return new BatchResult(index, 200, updated.Id, RecordShape.Of(caller, records.Module, updated));
        });
    }

    public static Task<IResult> BatchRead(BatchRequest<BatchIdInput> request, RecordWriter<T, TCreate, TService> records, HttpContext context) =>
        Batch.RunAsync(request, context, async (item, index) =>
        {
            var caller = context.Caller();
            var record = await records.ReadAsync(caller, item.Id, context.RequestAborted);
            return new BatchResult(index, 200, record.Id, RecordShape.Of(caller, records.Module, record));
        });

    public static async Task<IResult> BatchDelete(BatchRequest<BatchIdInput> request, RecordWriter<T, TCreate, TService> records, TenantStore tenants, HttpContext context)
    {
        var requireIfMatch = await RequiresIfMatchAsync(tenants, context);
        return await Batch.RunAsync(request, context, async (item, index) =>
        {
            EnsureIfMatch(requireIfMatch, item.IfMatch);
            await records.DeleteAsync(context.Caller(), item.Id, item.IfMatch, context.RequestAborted);
            return new BatchResult(index, 204, item.Id, null);
        });
    }

    /// <summary>A tenant that requires If-Match on PATCH and DELETE requires it of batch updates and deletes too.</summary>
    private static async Task<bool> RequiresIfMatchAsync(TenantStore tenants, HttpContext context) =>
        (await tenants.FindAsync(context.Caller().TenantId, context.RequestAborted))?.RequireIfMatch == true;

    private static void EnsureIfMatch(bool required, string? ifMatch)
    {
        if (required && ifMatch is null)
        {
            throw new PreconditionRequiredException();
        }
    }
}
