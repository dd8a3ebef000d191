using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.RecycleBin;

public static class RecycleBinEndpoints
{
    public static IEndpointRouteBuilder MapRecycleBin(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/recycle-bin").WithTags("Recycle bin").RequirePermission(Permissions.RecycleBinManage);
        group.MapGet("/", ListRecycleBin).WithName("ListRecycleBin").WithSummary("Deleted records, most recently deleted first");
        group.MapPost("/{type}/{id}/restore", RestoreRecord).WithName("RestoreRecord").WithSummary("Restore a deleted record ({type} singular or plural: department or departments)");
        group.MapDelete("/{type}/{id}", PurgeRecord).WithName("PurgeRecord").WithSummary("Delete a record for good");
        return routes;
    }

    public static async Task<Ok<Page<RecycleBinEntry>>> ListRecycleBin(Storage.Records.RecycleBin bin, HttpContext context, string? type = null, int limit = 50, string? cursor = null)
    {
        var caller = context.Caller();
        ListParameters.EnsureLogPage(limit);
        return TypedResults.Ok(await bin.ListAsync(caller.TenantId, type, limit, cursor, context.RequestAborted));
    }

    /// <summary>Answers 200 with the restored record (its runtime type, hence <c>object</c>) and its new ETag.</summary>
    public static async Task<Ok<object>> RestoreRecord(string type, string id, RecordTypeRegistry registry, IEnumerable<IRestoreGuard> guards, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        var store = Find(registry, type, id);
        var typeGuards = guards.Where(g => g.TypeName == store.TypeName).ToList();
        foreach (var guard in typeGuards)
        {
            await guard.EnsureCanRestoreAsync(caller, id, context.RequestAborted);
        }
        var restored = await store.RestoreAsync(caller.Write(clock), id, context.RequestAborted);
        foreach (var guard in typeGuards)
        {
            await guard.OnRestoredAsync(caller, restored, context.RequestAborted);
        }
        Preconditions.SetETag(context, restored);
        return TypedResults.Ok<object>(restored);
    }

    public static async Task<NoContent> PurgeRecord(string type, string id, RecordTypeRegistry registry, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        await Find(registry, type, id).PurgeAsync(caller.Write(clock), id, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static IRecordStore Find(RecordTypeRegistry registry, string type, string id) =>
        registry.FindNamed(type) is { CanDelete: true } store ? store : throw new NotFoundException("recycleBin", id);
}
