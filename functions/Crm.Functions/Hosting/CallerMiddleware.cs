using Crm.Domain.Organisation;
using Crm.Platform.Access;
using Crm.Platform.ApiKeys;
using Crm.Platform.Auth;
using Crm.Platform.IpRules;
using Crm.Platform.Web;

namespace Crm.Functions.Hosting;

/// <summary>
/// Turns a validated credential (the CRM's token, an Entra ID token, an API key) into the request's
/// <see cref="Caller"/>: refuses addresses the tenant's IP rules refuse, and credentials of users
/// disabled since (checked against a short cache, not on every request). An API key acts as its
/// maker with the key's own permissions and data scope.
/// </summary>
internal sealed class CallerMiddleware(RequestDelegate next, AccessDirectory access, IpRuleDirectory ipRules)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated == true
            && principal.FindFirst(CrmClaims.Tenant)?.Value is { } tenantId
            && principal.FindFirst(CrmClaims.Subject)?.Value is { } userId)
        {
            var address = context.Connection.RemoteIpAddress;
            if (!await ipRules.AllowsAsync(tenantId, address, context.RequestAborted))
            {
                var blocked = IpRuleDirectory.Blocked(address);
                await ProblemWriter.WriteAsync(context, 403, blocked.Code, "Forbidden", blocked.Message);
                return;
            }
            var user = await access.UserAsync(tenantId, userId, context.RequestAborted);
            if (user is null || user.Status != UserStatus.Active)
            {
                await ProblemWriter.WriteAsync(context, 401, "auth.user_disabled", "Not authenticated", "This user is disabled or no longer exists.");
                return;
            }
            var key = ApiKeyAuthentication.Presented(context);
            var profile = key?.Profile() ?? await access.ProfileAsync(tenantId, user, context.RequestAborted);
            context.SetCaller(new Caller(tenantId, userId, profile, address?.ToString(), key?.Id));
        }
        await next(context);
    }
}
