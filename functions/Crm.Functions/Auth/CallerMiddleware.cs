using Crm.Domain.Organisation;
using Crm.Functions.Access;
using Crm.Functions.Hosting;

namespace Crm.Functions.Auth;

/// <summary>
/// Turns a validated token into the request's <see cref="Caller"/>, and refuses tokens of users
/// disabled since the token was issued (checked against a short cache, not on every request).
/// </summary>
internal sealed class CallerMiddleware(RequestDelegate next, AccessDirectory access)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated == true
            && principal.FindFirst(CrmClaims.Tenant)?.Value is { } tenantId
            && principal.FindFirst(CrmClaims.Subject)?.Value is { } userId)
        {
            var user = await access.UserAsync(tenantId, userId, context.RequestAborted);
            if (user is null || user.Status != UserStatus.Active)
            {
                await ProblemWriter.WriteAsync(context, 401, "auth.user_disabled", "Not authenticated", "This user is disabled or no longer exists.");
                return;
            }
            var profile = await access.ProfileAsync(tenantId, user, context.RequestAborted);
            context.SetCaller(new Caller(tenantId, userId, profile, context.Connection.RemoteIpAddress?.ToString()));
        }
        await next(context);
    }
}
