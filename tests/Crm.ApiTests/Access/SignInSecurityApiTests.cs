using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Access;

/// <summary>Lockout after repeated failures, unlocking, and the refresh-token family revoked on reuse.</summary>
public sealed class SignInSecurityApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private Task<HttpResponseMessage> SignInAsync(TestTenant tenant, string login, string password) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { tenant = tenant.Slug, login, password });

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    private static async Task<string> NewLoginAsync(TestTenant tenant)
    {
        var login = "l" + Api.Stamp() + "@staff.test";
        await tenant.CreateUserAsync(login);
        return login;
    }

    [Fact]
    public async Task FiveFailuresLockTheUserEvenAgainstTheRightPassword()
    {
        var tenant = await app.NewTenantAsync();
        var login = await NewLoginAsync(tenant);
        for (var i = 0; i < 5; i++)
        {
            await (await SignInAsync(tenant, login, "Wrong-Password-" + i)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        }

        var problem = await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.locked_out");
        var until = DateTimeOffset.UtcNow.AddMinutes(15);
        Assert.Contains(until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:", System.Globalization.CultureInfo.InvariantCulture), problem.Str("detail"), StringComparison.Ordinal);
        // Other users of the tenant are not affected.
        await (await SignInAsync(tenant, "admin@" + tenant.Slug + ".test", "Admin-Password-1")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UnlockEndsTheLockoutAtOnce()
    {
        var tenant = await app.NewTenantAsync();
        var login = "k" + Api.Stamp() + "@staff.test";
        var user = await tenant.CreateUserAsync(login);
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/security", new { lockoutThreshold = 2 })).ExpectAsync(HttpStatusCode.OK);
        await (await SignInAsync(tenant, login, "Wrong-Password-1")).ExpectAsync(HttpStatusCode.Unauthorized);
        await (await SignInAsync(tenant, login, "Wrong-Password-2")).ExpectAsync(HttpStatusCode.Unauthorized);
        await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.locked_out");

        var (_, staff) = await tenant.NewStaffAsync();
        await (await staff.PostAsync($"/api/v1/users/{user.Id()}/unlock", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.locked_out");

        await (await tenant.Admin.PostAsync($"/api/v1/users/{user.Id()}/unlock", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PostAsync("/api/v1/users/01jzzzzzzzzzzzzzzzzzzzzzzz/unlock", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "user.not_found");

        // The unlock is in the user's history as the administrator's act; a second one says nothing was in force.
        await (await tenant.Admin.PostAsync($"/api/v1/users/{user.Id()}/unlock", null)).ExpectAsync(HttpStatusCode.NoContent);
        var history = (await tenant.Admin.GetJsonAsync($"/api/v1/audit-logs?recordType=user&recordId={user.Id()}")).Items()
            .Where(e => e.Str("action") == "unlocked").ToList();
        Assert.Equal(2, history.Count);
        Assert.All(history, e => Assert.Equal(tenant.AdminUserId, e.Str("actorId")));
        Assert.StartsWith("No lockout was in force", history[0].Str("note"), StringComparison.Ordinal);
        Assert.StartsWith("Lockout until ", history[1].Str("note"), StringComparison.Ordinal);
        Assert.Contains((await tenant.Admin.GetJsonAsync($"/api/v1/audit-logs?actorId={tenant.AdminUserId}")).Items(),
            e => e.Str("action") == "unlocked" && e.Str("recordId") == user.Id());
    }

    [Fact]
    public async Task SuccessfulSignInResetsTheCount()
    {
        var tenant = await app.NewTenantAsync();
        var login = await NewLoginAsync(tenant);
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/security", new { lockoutThreshold = 3 })).ExpectAsync(HttpStatusCode.OK);
        for (var round = 0; round < 3; round++)
        {
            await (await SignInAsync(tenant, login, "Wrong-Password-1")).ExpectAsync(HttpStatusCode.Unauthorized);
            await (await SignInAsync(tenant, login, "Wrong-Password-2")).ExpectAsync(HttpStatusCode.Unauthorized);
            await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectAsync(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task ConcurrentFailuresAreAllCounted()
    {
        var tenant = await app.NewTenantAsync();
        var login = await NewLoginAsync(tenant);
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/security", new { lockoutThreshold = 8 })).ExpectAsync(HttpStatusCode.OK);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => SignInAsync(tenant, login, "Wrong-Password-" + i)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));

        await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.locked_out");
    }

    [Fact]
    public async Task ReusedRefreshTokenRevokesItsWholeFamily()
    {
        var tenant = await app.NewTenantAsync();
        var login = await NewLoginAsync(tenant);
        var first = await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectAsync(HttpStatusCode.OK);
        var second = await (await RefreshAsync(first.Str("refreshToken"))).ExpectAsync(HttpStatusCode.OK);
        var otherSession = await (await SignInAsync(tenant, login, Api.StaffPassword)).ExpectAsync(HttpStatusCode.OK);

        // Someone replays the rotated token: it fails, and so does the one issued from it.
        await (await RefreshAsync(first.Str("refreshToken"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_refresh_token");
        await (await RefreshAsync(second.Str("refreshToken"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_refresh_token");

        // A separate sign-in is another family and keeps working.
        await (await RefreshAsync(otherSession.Str("refreshToken"))).ExpectAsync(HttpStatusCode.OK);
    }
}
