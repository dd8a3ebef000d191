using Crm.Domain.Access;
using Crm.Domain.Organisation;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Users;

public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/users").WithTags("Users");
        RecordApi<User, CreateUser, UserService>.Map(group, "User", "Users", RecordPermissions.Managed(null, Permissions.UsersManage), canDelete: false);
        group.MapPost("/{id}/disable", DisableUser).RequirePermission(Permissions.UsersManage).WithName("DisableUser").ChecksIfMatch().WithSummary("Disable a user: they can no longer sign in; their records stay");
        group.MapPost("/{id}/enable", EnableUser).RequirePermission(Permissions.UsersManage).WithName("EnableUser").ChecksIfMatch().WithSummary("Enable a disabled user");
        group.MapPut("/{id}/roles", SetUserRoles).RequirePermission(Permissions.UsersManage).WithName("SetUserRoles")
            .WithSummary("Set a user's roles as a whole; their rights change with their next request");
        group.MapPost("/{id}/reset-password", ResetUserPassword).RequirePermission(Permissions.UsersManage).WithName("ResetUserPassword").WithSummary("Set a new password for a user (administrators)");

        var me = routes.MapGroup("/api/v1/me").WithTags("Me").AnyCaller();
        me.MapGet("/", GetMe).WithName("GetMe").WithSummary("The signed-in user");
        me.MapPost("/password", ChangeMyPassword).WithName("ChangeMyPassword").WithSummary("Change one's own password; other sessions end");
        return routes;
    }

    public static Task<Ok<User>> DisableUser(string id, UserService users, HttpContext context) => SetStatus(id, UserStatus.Disabled, users, context);

    public static Task<Ok<User>> EnableUser(string id, UserService users, HttpContext context) => SetStatus(id, UserStatus.Active, users, context);

    public static async Task<Ok<User>> SetUserRoles(string id, SetRoles input, UserService users, HttpContext context)
    {
        var updated = await users.SetRolesAsync(context.Caller(), id, Preconditions.IfMatch(context), RequestValidation.Validate(input).RoleIds, context.RequestAborted);
        Preconditions.SetETag(context, updated);
        return TypedResults.Ok(updated);
    }

    public static async Task<NoContent> ResetUserPassword(string id, ResetPassword input, UserService users, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        await users.SetPasswordAsync(caller.Write(clock), id, RequestValidation.Validate(input).NewPassword, context.RequestAborted);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<User>> GetMe(UserService users, HttpContext context)
    {
        var caller = context.Caller();
        var me = await users.Store.GetAsync(caller.TenantId, caller.UserId, context.RequestAborted);
        Preconditions.SetETag(context, me);
        return TypedResults.Ok(me);
    }

    public static async Task<NoContent> ChangeMyPassword(ChangePassword input, UserService users, HttpContext context)
    {
        await users.ChangeOwnPasswordAsync(context.Caller(), RequestValidation.Validate(input), context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<User>> SetStatus(string id, UserStatus status, UserService users, HttpContext context)
    {
        var updated = await users.SetStatusAsync(context.Caller(), id, Preconditions.IfMatch(context), status, context.RequestAborted);
        Preconditions.SetETag(context, updated);
        return TypedResults.Ok(updated);
    }
}
