using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Roles;

/// <summary>No one grants what they lack; edits apply to the role's holders at once and are audited.</summary>
public sealed partial class RoleApiTests
{
    [Fact]
    public async Task RoleManagerCannotGrantPermissionsTheyLack()
    {
        var tenant = await app.NewTenantAsync();
        var managerRole = await tenant.CreateRoleAsync(["roles.view", "roles.manage", "leads.view", "leads.edit"]);
        var (_, _, manager) = await tenant.NewUserWithRolesAsync(managerRole.Id());

        var problem = await (await manager.PostAsJsonAsync("/api/v1/roles", new { name = "Greedy", permissions = new[] { "leads.view", "customers.export" } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        Assert.Contains("customers.export", problem.Str("detail"), StringComparison.Ordinal);
        Assert.DoesNotContain(await tenant.Admin.ListAllAsync("/api/v1/roles"), r => r.Str("name") == "Greedy");

        var modest = await (await manager.PostAsJsonAsync("/api/v1/roles", new { name = "Modest", permissions = new[] { "leads.view" } })).ExpectAsync(HttpStatusCode.Created);
        await (await manager.PatchJsonAsync($"/api/v1/roles/{modest.Id()}", new { permissions = new[] { "leads.view", "users.manage" } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        // Their own role too: raising oneself is the classic escalation.
        await (await manager.PatchJsonAsync($"/api/v1/roles/{managerRole.Id()}", new { permissions = new[] { "roles.view", "roles.manage", "leads.view", "leads.edit", "settings.manage" } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        await (await manager.PatchJsonAsync($"/api/v1/roles/{modest.Id()}", new { permissions = new[] { "leads.view", "leads.edit" } })).ExpectAsync(HttpStatusCode.OK);

        // A role already holding more may still be trimmed or renamed by them: nothing is added.
        var wider = await tenant.CreateRoleAsync(["leads.view", "customers.export"]);
        await (await manager.PatchJsonAsync($"/api/v1/roles/{wider.Id()}", new { name = "Renamed" })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RoleManagerCannotWidenTheScopeOfRecordPermissions()
    {
        var tenant = await app.NewTenantAsync();
        var managerRole = await tenant.CreateRoleAsync(["roles.view", "roles.manage", "users.manage", "leads.view", "leads.edit"], dataScope: "department");
        var (_, _, manager) = await tenant.NewUserWithRolesAsync(managerRole.Id());

        // Their own permissions over the whole tenant would reach records their scope does not.
        await (await manager.PostAsJsonAsync("/api/v1/roles", new { name = "Everyone's leads", permissions = new[] { "leads.view" }, dataScope = "all" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        var team = await (await manager.PostAsJsonAsync("/api/v1/roles", new { name = "Team leads", permissions = new[] { "leads.view" }, dataScope = "department" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await manager.PatchJsonAsync($"/api/v1/roles/{team.Id()}", new { dataScope = "all" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        // Tenant-wide permissions have no scope to widen.
        await (await manager.PostAsJsonAsync("/api/v1/roles", new { name = "User admins", permissions = new[] { "users.manage" }, dataScope = "all" }))
            .ExpectAsync(HttpStatusCode.Created);

        // Nor can they hand out an existing role that reaches further than they do.
        var everyone = await tenant.CreateRoleAsync(["leads.view"], dataScope: "all");
        var (userId, _, _) = await tenant.NewUserWithRolesAsync();
        await (await manager.SendAsync(HttpMethod.Put, $"/api/v1/users/{userId}/roles", new { roleIds = new[] { everyone.Id() } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "role.escalation");
        await (await manager.SendAsync(HttpMethod.Put, $"/api/v1/users/{userId}/roles", new { roleIds = new[] { team.Id() } })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RightsFollowARoleEditAtOnce()
    {
        var tenant = await app.NewTenantAsync();
        var role = await tenant.CreateRoleAsync(["roles.view"]);
        var (_, _, client) = await tenant.NewUserWithRolesAsync(role.Id());
        await (await client.GetAsync("/api/v1/permissions")).ExpectAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/api/v1/login-logs")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/roles/{role.Id()}", new { permissions = new[] { "loginLogs.view" } })).ExpectAsync(HttpStatusCode.OK);

        await (await client.GetAsync("/api/v1/login-logs")).ExpectAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/api/v1/permissions")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task RoleChangesAreAudited()
    {
        var tenant = await app.NewTenantAsync();
        var role = await tenant.CreateRoleAsync(["leads.view"], name: "Audited role");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/roles/{role.Id()}", new { permissions = new[] { "leads.view", "leads.edit" } })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/roles/{role.Id()}")).ExpectAsync(HttpStatusCode.NoContent);

        var entries = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={role.Id()}");
        Assert.Equal(["deleted", "updated", "created"], entries.Select(e => e.Str("action")));
        Assert.All(entries, e => Assert.Equal("role", e.Str("recordType")));
        Assert.All(entries, e => Assert.Equal(tenant.AdminUserId, e.Str("actorId")));
        var change = entries[1].GetProperty("changes").GetProperty("permissions");
        Assert.Equal(["leads.view", "leads.edit"], change.GetProperty("after").EnumerateArray().Select(p => p.GetString()));
    }
}
