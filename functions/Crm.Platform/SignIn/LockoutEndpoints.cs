using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Platform.Users;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.SignIn;

public static class LockoutEndpoints
{
    public static IEndpointRouteBuilder MapLockouts(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/users/{id}/unlock", UnlockUser).WithTags("Users").RequirePermission(Permissions.UsersManage).WithName("UnlockUser")
            .WithSummary("End a user's sign-in lockout and forget their failed sign-ins");
        return routes;
    }

    /// <summary>Ends a lockout (and forgets counted failures); audited in the user's history, locked or not, as an administrator's act.</summary>
    public static async Task<NoContent> UnlockUser(string id, UserService users, LockoutStore lockouts, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        var user = await users.Store.GetAsync(caller.TenantId, id, context.RequestAborted);
        var before = await lockouts.FindAsync(caller.TenantId, user.Id, context.RequestAborted);
        await lockouts.ClearAsync(caller.TenantId, user.Id, context.RequestAborted);
        var write = caller.Write(clock);
        var note = before.IsLocked(write.Now)
            ? $"Lockout until {before.LockedUntil!.Value.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} ended."
            : $"No lockout was in force; {before.Failures} counted failed sign-in(s) forgotten.";
        await users.Store.AuditActionAsync(write, AuditAction.Unlocked, note, user, context.RequestAborted);
        return TypedResults.NoContent();
    }
}
