using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.SignIn;

public static class LoginLogEndpoints
{
    public static IEndpointRouteBuilder MapLoginLogs(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/login-logs", ListLoginLogs).WithTags("Login log").RequirePermission(Permissions.LoginLogsView).WithName("ListLoginLogs")
            .WithSummary("Every sign-in attempt, newest first: user, login as typed, time, IP, user agent, result and reason");
        return routes;
    }

    public static async Task<Ok<Page<LoginLogEntry>>> ListLoginLogs(LoginLog log, HttpContext context, string? userId = null, string? result = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 50, string? cursor = null)
    {
        ListParameters.EnsureLogPage(limit, from, to);
        if (result is not null and not LoginResults.Succeeded and not LoginResults.Failed)
        {
            throw new ValidationException("result", $"Must be '{LoginResults.Succeeded}' or '{LoginResults.Failed}'.");
        }
        var query = new LoginLogQuery(userId, result, from, to, limit, cursor);
        return TypedResults.Ok(await log.QueryAsync(context.Caller().TenantId, query, context.RequestAborted));
    }
}
