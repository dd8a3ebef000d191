using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Access;

/// <summary>Every sign-in attempt against a known tenant, newest first, filtered and paged.</summary>
public sealed class LoginLogApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string ClientIp = "198.51.100.23";

    private async Task SignInAsync(TestTenant tenant, string login, string password)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", ClientIp);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("LoginLogTest/1.0");
        await client.PostAsJsonAsync("/api/v1/auth/token", new { tenant = tenant.Slug, login, password });
    }

    private static string Time(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task LogsEverySignInAttemptWithResultAndReason()
    {
        var tenant = await app.NewTenantAsync();
        var started = DateTimeOffset.UtcNow.AddSeconds(-5);
        var login = "g" + Api.Stamp() + "@staff.test";
        var user = await tenant.CreateUserAsync(login);
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/security", new { lockoutThreshold = 2 })).ExpectAsync(HttpStatusCode.OK);

        await SignInAsync(tenant, login.ToUpperInvariant(), Api.StaffPassword);
        await SignInAsync(tenant, "nobody@nowhere.test", "Whatever-1");
        await SignInAsync(tenant, login, "Wrong-Password-1");
        await SignInAsync(tenant, login, "Wrong-Password-2");
        await SignInAsync(tenant, login, Api.StaffPassword);
        await (await tenant.Admin.PostAsync($"/api/v1/users/{user.Id()}/unlock", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.PostAsync($"/api/v1/users/{user.Id()}/disable", null)).ExpectAsync(HttpStatusCode.OK);
        await SignInAsync(tenant, login, Api.StaffPassword);

        var entries = await tenant.Admin.ListAllAsync($"/api/v1/login-logs?from={Time(started)}");
        var mine = entries.Where(e => e.Str("ip") == ClientIp).ToList();
        Assert.Equal(["user_disabled", "locked_out", "invalid_credentials", "invalid_credentials", "invalid_credentials", null],
            mine.Select(e => e.GetProperty("reason").ValueKind == JsonValueKind.Null ? null : e.Str("reason")));
        Assert.Equal(["failed", "failed", "failed", "failed", "failed", "succeeded"], mine.Select(e => e.Str("result")));
        Assert.Equal(login.ToUpperInvariant(), mine[^1].Str("login"));
        Assert.Equal(user.Id(), mine[^1].Str("userId"));
        Assert.Equal(JsonValueKind.Null, mine[^2].GetProperty("userId").ValueKind);
        Assert.Equal("nobody@nowhere.test", mine[^2].Str("login"));
        Assert.All(mine, e => Assert.Equal("LoginLogTest/1.0", e.Str("userAgent")));
        Assert.All(mine, e => Assert.InRange(e.GetProperty("time").GetDateTimeOffset(), started, DateTimeOffset.UtcNow.AddSeconds(5)));
        var times = entries.Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        // The admin's own sign-in is there too, without the test's address.
        Assert.Contains(entries, e => e.Str("userId") is { } id && id == tenant.AdminUserId && e.Str("result") == "succeeded");
    }

    [Fact]
    public async Task FiltersByUserResultAndTimeAndPages()
    {
        var tenant = await app.NewTenantAsync();
        var login = "f" + Api.Stamp() + "@staff.test";
        var user = await tenant.CreateUserAsync(login);
        for (var i = 0; i < 3; i++)
        {
            await SignInAsync(tenant, login, "Wrong-Password-" + i);
        }
        await SignInAsync(tenant, login, Api.StaffPassword);
        var after = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await SignInAsync(tenant, login, Api.StaffPassword);

        var failed = await tenant.Admin.ListAllAsync($"/api/v1/login-logs?userId={user.Id()}&result=failed");
        Assert.Equal(3, failed.Count);
        Assert.All(failed, e => Assert.Equal(user.Id(), e.Str("userId")));
        Assert.Equal(2, (await tenant.Admin.ListAllAsync($"/api/v1/login-logs?userId={user.Id()}&result=succeeded")).Count);
        Assert.Single(await tenant.Admin.ListAllAsync($"/api/v1/login-logs?userId={user.Id()}&from={Time(after)}"));
        Assert.Equal(4, (await tenant.Admin.ListAllAsync($"/api/v1/login-logs?userId={user.Id()}&to={Time(after)}")).Count);

        var page = await tenant.Admin.GetJsonAsync($"/api/v1/login-logs?userId={user.Id()}&limit=2");
        Assert.Equal(2, page.Items().Count);
        var second = await tenant.Admin.GetJsonAsync($"/api/v1/login-logs?userId={user.Id()}&limit=2&cursor={Uri.EscapeDataString(page.NextCursor()!)}");
        var third = await tenant.Admin.GetJsonAsync($"/api/v1/login-logs?userId={user.Id()}&limit=2&cursor={Uri.EscapeDataString(second.NextCursor()!)}");
        Assert.Null(third.NextCursor());
        var all = page.Ids().Concat(second.Ids()).Concat(third.Ids()).ToList();
        Assert.Equal(5, all.Count);
        Assert.Equal(all, (await tenant.Admin.ListAllAsync($"/api/v1/login-logs?userId={user.Id()}")).Select(e => e.Id()));
        Assert.Null((await tenant.Admin.GetJsonAsync($"/api/v1/login-logs?userId={user.Id()}&limit=5")).NextCursor());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("result=maybe", "result")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "from")]
    public async Task RefusesBadQueries(string query, string field)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.GetAsync("/api/v1/login-logs?" + query)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task NeedsLoginLogsViewAndStaysInTheTenant()
    {
        var tenant = await app.NewTenantAsync();
        var other = await app.NewTenantAsync();
        var (_, staff) = await tenant.NewStaffAsync();
        await (await staff.GetAsync("/api/v1/login-logs")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        Assert.DoesNotContain(await other.Admin.ListAllAsync("/api/v1/login-logs"), e => e.Str("userId") is { } id && id == tenant.AdminUserId);
    }
}
