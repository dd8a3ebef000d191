using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Users;

/// <summary>Disabling, enabling and password resets: administrators only, and never the last super administrator.</summary>
public sealed partial class UserApiTests
{
    [Fact]
    public async Task DisablesAndEnablesUser()
    {
        var tenant = await app.NewTenantAsync();
        var login = "d" + Api.Stamp() + "@staff.test";
        var user = await tenant.CreateUserAsync(login);

        var disabledResponse = await tenant.Admin.PostAsync($"/api/v1/users/{user.Id()}/disable", null);
        var disabled = await disabledResponse.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("disabled", disabled.Str("status"));
        Assert.Equal($"\"{disabled.Str("version")}\"", disabledResponse.Headers.ETag?.ToString());
        Assert.Equal("disabled", (await tenant.Admin.GetJsonAsync($"/api/v1/users/{user.Id()}")).Str("status"));
        Assert.Equal([user.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?status=disabled")).Select(u => u.Id()));
        await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.user_disabled");

        var enabled = await (await tenant.Admin.PostAsync($"/api/v1/users/{user.Id()}/enable", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", enabled.Str("status"));
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/users?status=disabled"));
        await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DisableWithStaleIfMatchChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync();
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { position = "Moved on" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.SendAsync(HttpMethod.Post, $"/api/v1/users/{user.Id()}/disable", null, ("If-Match", $"\"{user.Str("version")}\"")))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        Assert.Equal("active", (await tenant.Admin.GetJsonAsync($"/api/v1/users/{user.Id()}")).Str("status"));
    }

    [Fact]
    public async Task RefusesDisablingTheLastSuperAdmin()
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.PostAsync($"/api/v1/users/{tenant.AdminUserId}/disable", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "user.last_super_admin");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{tenant.AdminUserId}", new { status = "disabled" })).ExpectProblemAsync(HttpStatusCode.Conflict, "user.last_super_admin");
        var admin = await tenant.Admin.GetJsonAsync("/api/v1/me");
        Assert.Equal("active", admin.Str("status"));
    }

    [Fact]
    public async Task AdminResetsPasswordOfUser()
    {
        var tenant = await app.NewTenantAsync();
        var login = "p" + Api.Stamp() + "@staff.test";
        var user = await tenant.CreateUserAsync(login);
        var session = await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectAsync(HttpStatusCode.OK);

        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/users/{user.Id()}/reset-password", new { newPassword = "Reset-Password-7" })).ExpectAsync(HttpStatusCode.NoContent);

        await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        await (await SignInAsync(tenant, login, "Reset-Password-7")).ExpectAsync(HttpStatusCode.OK);
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = session.Str("refreshToken") }))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_refresh_token");
    }

    [Fact]
    public async Task ResetPasswordChecksThePolicyAndTheUser()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync($"/api/v1/users/{user.Id()}/reset-password", new { newPassword = "short" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
        Assert.Contains("newPassword", problem.ErrorFields());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/users/01jzzzzzzzzzzzzzzzzzzzzzzz/reset-password", new { newPassword = "Reset-Password-7" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "user.not_found");
    }

    [Fact]
    public async Task NonAdminCannotManageUsers()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, staff) = await tenant.NewStaffAsync();
        var victim = await tenant.CreateUserAsync();

        await staff.GetJsonAsync($"/api/v1/users/{victim.Id()}");
        await (await staff.PostAsJsonAsync($"/api/v1/users/{victim.Id()}/reset-password", new { newPassword = "Hijack-Password-1" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.PostAsJsonAsync($"/api/v1/users/{staffId}/reset-password", new { newPassword = "Hijack-Password-1" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.PostAsJsonAsync("/api/v1/users", new { login = "n" + Api.Stamp(), password = Api.StaffPassword, name = "N" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.PatchJsonAsync($"/api/v1/users/{victim.Id()}", new { name = "Renamed" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.PostAsync($"/api/v1/users/{victim.Id()}/disable", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        await (await SignInAsync(tenant, victim.Str("login"), Api.StaffPassword)).ExpectAsync(HttpStatusCode.OK);
        var read = await tenant.Admin.GetJsonAsync($"/api/v1/users/{victim.Id()}");
        Assert.Equal(victim.Str("version"), read.Str("version"));
        Assert.Equal(3, (await tenant.Admin.ListAllAsync("/api/v1/users")).Count);
    }
}
