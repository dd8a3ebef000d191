using System.Collections.Concurrent;
using Crm.Domain.Organisation;
using Crm.Functions.Hosting;
using Crm.Storage.Records;

namespace Crm.Functions.Auth;

/// <summary>
/// Turns a validated token into the request's <see cref="Caller"/>, and refuses tokens of users
/// disabled since the token was issued (checked against a short cache, not on every request).
/// </summary>
internal sealed class CallerMiddleware(RequestDelegate next, RecordStore<User> users, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<(string, string), (User? User, DateTimeOffset Until)> _cache = new();

    public async Task InvokeAsync(HttpContext context)
    {
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated == true
            && principal.FindFirst(CrmClaims.Tenant)?.Value is { } tenantId
            && principal.FindFirst(CrmClaims.Subject)?.Value is { } userId)
        {
            var user = await FindAsync(tenantId, userId, context.RequestAborted);
            if (user is null || user.Status != UserStatus.Active)
            {
                await ProblemWriter.WriteAsync(context, 401, "auth.user_disabled", "Not authenticated", "This user is disabled or no longer exists.");
                return;
            }
            context.SetCaller(new Caller(tenantId, userId, user.IsSuperAdmin, context.Connection.RemoteIpAddress?.ToString()));
        }
        await next(context);
    }

    private async Task<User?> FindAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue((tenantId, userId), out var hit) && hit.Until > now)
        {
            return hit.User;
        }
        var user = await users.FindAsync(tenantId, userId, cancellationToken);
        _cache[(tenantId, userId)] = (user, now + CacheFor);
        return user;
    }
}
