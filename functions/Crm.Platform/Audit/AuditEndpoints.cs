using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Audit;

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditLogs(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/audit-logs", ListAuditLogs).WithTags("Audit").RequirePermission(Permissions.AuditLogsView).WithName("ListAuditLogs")
            .WithSummary("The operation log, newest first: who changed which fields of which record, when and from where");
        return routes;
    }

    public static async Task<Ok<Page<AuditEntry>>> ListAuditLogs(AuditLog log, HttpContext context, string? recordType = null, string? recordId = null,
        string? actorId = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 50, string? cursor = null)
    {
        var caller = context.Caller();
        ListParameters.EnsureLogPage(limit, from, to);
        return TypedResults.Ok(await log.QueryAsync(caller.TenantId, new AuditQuery(recordType, recordId, actorId, from, to, limit, cursor), context.RequestAborted));
    }
}
