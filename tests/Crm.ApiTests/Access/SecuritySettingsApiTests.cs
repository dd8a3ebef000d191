using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Access;

/// <summary>The tenant's password policy and lockout settings, and the policy applied wherever a password is set.</summary>
public sealed class SecuritySettingsApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task DefaultsAreTodaysRules()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.GetAsync("/api/v1/settings/security");
        var settings = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(8, settings.GetProperty("passwordMinLength").GetInt32());
        Assert.False(settings.GetProperty("passwordRequiresLetterAndDigit").GetBoolean());
        Assert.Equal(5, settings.GetProperty("lockoutThreshold").GetInt32());
        Assert.Equal(15, settings.GetProperty("lockoutWindowMinutes").GetInt32());
        Assert.Equal(15, settings.GetProperty("lockoutMinutes").GetInt32());
    }

    [Fact]
    public async Task PatchChangesSettingsWithETags()
    {
        var tenant = await app.NewTenantAsync();
        var first = await tenant.Admin.GetAsync("/api/v1/settings/security");
        var etag = first.Headers.ETag!.ToString();

        var patched = await tenant.Admin.PatchJsonAsync("/api/v1/settings/security", new { passwordMinLength = 12, lockoutThreshold = 3 }, etag);
        var settings = await patched.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(12, settings.GetProperty("passwordMinLength").GetInt32());
        Assert.Equal(3, settings.GetProperty("lockoutThreshold").GetInt32());
        Assert.Equal(15, settings.GetProperty("lockoutMinutes").GetInt32());
        Assert.NotEqual(etag, patched.Headers.ETag!.ToString());

        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/security", new { lockoutMinutes = 60 }, etag))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        var now = await tenant.Admin.GetAsync("/api/v1/settings/security");
        Assert.Equal(patched.Headers.ETag!.ToString(), now.Headers.ETag!.ToString());
        Assert.Equal(15, (await now.ExpectAsync(HttpStatusCode.OK)).GetProperty("lockoutMinutes").GetInt32());
    }

    [Theory]
    [InlineData("{\"passwordMinLength\":7}", "passwordMinLength")]
    [InlineData("{\"passwordMinLength\":129}", "passwordMinLength")]
    [InlineData("{\"lockoutThreshold\":0}", "lockoutThreshold")]
    [InlineData("{\"lockoutWindowMinutes\":0}", "lockoutWindowMinutes")]
    [InlineData("{\"lockoutMinutes\":100000}", "lockoutMinutes")]
    [InlineData("{\"lockoutMinutes\":\"ten\"}", "lockoutMinutes")]
    [InlineData("{\"maxSessions\":3}", "maxSessions")]
    public async Task RefusesInvalidSettingsAndChangesNothing(string patch, string field)
    {
        var tenant = await app.NewTenantAsync();
        var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/settings/security") { Content = new StringContent(patch, System.Text.Encoding.UTF8, "application/json") };
        var problem = await (await tenant.Admin.SendAsync(request)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        var settings = await tenant.Admin.GetJsonAsync("/api/v1/settings/security");
        Assert.Equal(8, settings.GetProperty("passwordMinLength").GetInt32());
        Assert.Equal(5, settings.GetProperty("lockoutThreshold").GetInt32());
    }

    [Fact]
    public async Task NeedsSettingsManage()
    {
        var tenant = await app.NewTenantAsync();
        var (_, staff) = await tenant.NewStaffAsync();
        await (await staff.GetAsync("/api/v1/settings/security")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.PatchJsonAsync("/api/v1/settings/security", new { lockoutThreshold = 100 })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task TenantPasswordPolicyAppliesToCreateResetAndChangeOwn()
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/security", new { passwordMinLength = 12, passwordRequiresLetterAndDigit = true })).ExpectAsync(HttpStatusCode.OK);

        var login = "pp" + Api.Stamp() + "@staff.test";
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login, password = "Short-pw-1", name = "P" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
        Assert.Equal(["password"], problem.ErrorFields());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login, password = "only-letters-here", name = "P" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
        var user = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login, password = "Long-enough-pw-1", name = "P" })).ExpectAsync(HttpStatusCode.Created);

        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/users/{user.Id()}/reset-password", new { newPassword = "Reset-pw-1" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
        var client = await tenant.SignInAsync(login, "Long-enough-pw-1");
        problem = await (await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "Long-enough-pw-1", newPassword = "1234567890123" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
        Assert.Equal(["newPassword"], problem.ErrorFields());
        await (await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "Long-enough-pw-1", newPassword = login }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
        await (await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "Long-enough-pw-1", newPassword = "Another-long-pw-2" })).ExpectAsync(HttpStatusCode.NoContent);
    }
}
