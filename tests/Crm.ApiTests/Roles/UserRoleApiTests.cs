using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Roles;

/// <summary>PUT /api/v1/users/{id}/roles: the whole list, checked, audited, and in force with the next request.</summary>
public sealed class UserRoleApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task SetsRolesAndRightsChangeAtOnce()
    {
        var tenant = await app.NewTenantAsync();
        var (userId, client) = await tenant.NewStaffAsync();
        await (await client.GetAsync("/api/v1/roles")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        var viewer = await tenant.CreateRoleAsync(["roles.view"]);
        var response = await tenant.Admin.PutRolesAsync(userId, [viewer.Id(), viewer.Id()]);
        var user = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([viewer.Id()], user.GetProperty("roleIds").EnumerateArray().Select(r => r.GetString()));
        Assert.False(user.GetProperty("isSuperAdmin").GetBoolean());
        Assert.Equal($"\"{user.Str("version")}\"", response.Headers.ETag?.ToString());
        await (await client.GetAsync("/api/v1/roles")).ExpectAsync(HttpStatusCode.OK);

        await (await tenant.Admin.PutRolesAsync(userId, [])).ExpectAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/api/v1/roles")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        var superAdmin = await tenant.BuiltInRoleIdAsync("superAdmin");
        var promoted = await (await tenant.Admin.PutRolesAsync(userId, [superAdmin])).ExpectAsync(HttpStatusCode.OK);
        Assert.True(promoted.GetProperty("isSuperAdmin").GetBoolean());
        await (await client.GetAsync("/api/v1/audit-logs")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task StaleIfMatchAnswers412AndChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync();
        var role = await tenant.CreateRoleAsync(["roles.view"]);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { position = "Moved" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PutRolesAsync(user.Id(), [role.Id()], $"\"{user.Str("version")}\""))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        var current = await tenant.Admin.GetJsonAsync($"/api/v1/users/{user.Id()}");
        Assert.Empty(current.GetProperty("roleIds").EnumerateArray());
        await (await tenant.Admin.PutRolesAsync(user.Id(), [role.Id()], $"\"{current.Str("version")}\"")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RefusesUnknownRolesAndUsers()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync();
        var problem = await (await tenant.Admin.PutRolesAsync(user.Id(), ["01jzzzzzzzzzzzzzzzzzzzzzzz"])).ExpectProblemAsync(HttpStatusCode.BadRequest, "user.role_not_found");
        Assert.Equal(["roleIds"], problem.ErrorFields());
        await (await tenant.Admin.PutAsJsonAsync($"/api/v1/users/{user.Id()}/roles", new { })).ExpectAsync(HttpStatusCode.BadRequest);
        await (await tenant.Admin.PutRolesAsync("01jzzzzzzzzzzzzzzzzzzzzzzz", [])).ExpectProblemAsync(HttpStatusCode.NotFound, "user.not_found");
    }

    [Fact]
    public async Task LastActiveSuperAdminKeepsTheRole()
    {
        var tenant = await app.NewTenantAsync();
        var readOnly = await tenant.BuiltInRoleIdAsync("readOnly");
        await (await tenant.Admin.PutRolesAsync(tenant.AdminUserId, [readOnly])).ExpectProblemAsync(HttpStatusCode.Conflict, "user.last_super_admin");
        var admin = await tenant.Admin.GetJsonAsync("/api/v1/me");
        Assert.True(admin.GetProperty("isSuperAdmin").GetBoolean());

        // With a second super administrator, the first may step down.
        var superAdmin = await tenant.BuiltInRoleIdAsync("superAdmin");
        var (secondId, _, second) = await tenant.NewUserWithRolesAsync(superAdmin);
        await (await tenant.Admin.PutRolesAsync(tenant.AdminUserId, [readOnly])).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.GetAsync("/api/v1/roles")).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/roles", new { name = "Too late" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await second.PutRolesAsync(secondId, [readOnly])).ExpectProblemAsync(HttpStatusCode.Conflict, "user.last_super_admin");
    }

    [Fact]
    public async Task UserManagerCannotGiveOrTakeSuperAdminOrPermissionsTheyLack()
    {
        var tenant = await app.NewTenantAsync();
        var hr = await tenant.CreateRoleAsync(["users.manage", "leads.view"]);
        var (_, _, manager) = await tenant.NewUserWithRolesAsync(hr.Id());
        var user = await tenant.CreateUserAsync();
        var superAdmin = await tenant.BuiltInRoleIdAsync("superAdmin");
        var salesRep = await tenant.BuiltInRoleIdAsync("salesRep");
        var leadsOnly = await tenant.CreateRoleAsync(["leads.view"]);

        await (await manager.PutRolesAsync(user.Id(), [superAdmin])).ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        await (await manager.PutRolesAsync(user.Id(), [salesRep])).ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        await (await manager.PutRolesAsync(tenant.AdminUserId, [])).ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        await (await manager.PostAsJsonAsync("/api/v1/users", new { login = "x" + Api.Stamp() + "@staff.test", password = Api.StaffPassword, name = "X", roleIds = new[] { superAdmin } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        Assert.Empty((await tenant.Admin.GetJsonAsync($"/api/v1/users/{user.Id()}")).GetProperty("roleIds").EnumerateArray());

        await (await manager.PutRolesAsync(user.Id(), [leadsOnly.Id()])).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RoleAssignmentsAreAudited()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync();
        var role = await tenant.CreateRoleAsync(["roles.view"]);
        await (await tenant.Admin.PutRolesAsync(user.Id(), [role.Id()])).ExpectAsync(HttpStatusCode.OK);

        var entry = (await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={user.Id()}")).First();
        Assert.Equal("updated", entry.Str("action"));
        Assert.Equal(tenant.AdminUserId, entry.Str("actorId"));
        var change = entry.GetProperty("changes").GetProperty("roleIds");
        Assert.Empty(change.GetProperty("before").EnumerateArray());
        Assert.Equal([role.Id()], change.GetProperty("after").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task AnotherTenantsRolesAndUsersAreNotFound()
    {
        var owner = await app.NewTenantAsync();
        var intruder = await app.NewTenantAsync();
        var secret = "Secret role " + Api.Stamp();
        var role = await owner.CreateRoleAsync(["leads.view"], name: secret);
        var user = await owner.CreateUserAsync();

        var read = await intruder.Admin.GetAsync($"/api/v1/roles/{role.Id()}");
        Assert.DoesNotContain(secret, await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await read.ExpectProblemAsync(HttpStatusCode.NotFound, "role.not_found");
        await (await intruder.Admin.PatchJsonAsync($"/api/v1/roles/{role.Id()}", new { name = "Taken" })).ExpectProblemAsync(HttpStatusCode.NotFound, "role.not_found");
        await (await intruder.Admin.DeleteAsync($"/api/v1/roles/{role.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "role.not_found");
        await (await intruder.Admin.PutRolesAsync(user.Id(), [])).ExpectProblemAsync(HttpStatusCode.NotFound, "user.not_found");
        await (await intruder.Admin.PostAsync($"/api/v1/users/{user.Id()}/unlock", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "user.not_found");
        // Nor can another tenant's role be given to one's own users.
        await (await intruder.Admin.PutRolesAsync(intruder.AdminUserId, [role.Id()])).ExpectProblemAsync(HttpStatusCode.BadRequest, "user.role_not_found");
        Assert.Equal(secret, (await owner.Admin.GetJsonAsync($"/api/v1/roles/{role.Id()}")).Str("name"));
    }
}
