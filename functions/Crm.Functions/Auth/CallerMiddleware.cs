using System.Collections.Concurrent;
using Crm.Domain.Organisation;
using Crm.Functions.Access;
using Crm.Functions.ApiKeys;
using Crm.Functions.Hosting;
using Crm.Functions.IpRules;
using Crm.Storage.Records;

namespace Crm.Functions.Auth;

/// <summary>
/// Turns a validated credential (the CRM's token, an Entra ID token, an API key) into the request's
/// <see cref="Caller"/>: refuses addresses the tenant's IP rules refuse, and credentials of users
/// disabled since (checked against a short cache, not on every request). An API key acts as its
/// maker with the key's own permissions and data scope.
/// </summary>
internal sealed class CallerMiddleware(RequestDelegate next, RecordStore<User> users, AccessDirectory access, IpRuleDirectory ipRules, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<(string, string), (Task<User?> User, DateTimeOffset Until)> _cache = new();

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
            var user = await FindAsync(tenantId, userId, context.RequestAborted);
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

    /// <summary>
    /// The cache holds the read itself, so concurrent requests of one user share one storage read
    /// when the entry expires. A failed read is not kept.
    /// </summary>
    private async Task<User?> FindAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var key = (tenantId, userId);
        if (!_cache.TryGetValue(key, out var entry) || entry.Until <= now || entry.User.IsFaulted || entry.User.IsCanceled)
        {
            entry = (users.FindAsync(tenantId, userId, CancellationToken.None), now + CacheFor);
            _cache[key] = entry;
        }
        return await entry.User.WaitAsync(cancellationToken);
    }
}
