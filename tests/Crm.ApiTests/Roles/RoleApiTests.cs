using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Roles;

/// <summary>Roles: the catalogue, CRUD with its rules, and rights that follow an edit at once.</summary>
public sealed partial class RoleApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task PermissionCatalogueListsModulesPermissionsAndDataScopes()
    {
        var tenant = await app.NewTenantAsync();
        var catalogue = await tenant.Admin.GetJsonAsync("/api/v1/permissions");

        var customers = catalogue.GetProperty("modules").EnumerateArray().Single(m => m.Str("module") == "customers");
        Assert.Equal("Customers", customers.Str("title"));
        var export = customers.GetProperty("permissions").EnumerateArray().Single(p => p.Str("code") == "customers.export");
        Assert.Equal("export", export.Str("action"));
        Assert.False(string.IsNullOrEmpty(export.Str("description")));
        Assert.Contains(catalogue.GetProperty("modules").EnumerateArray(), m => m.Str("module") == "roles");
        Assert.Equal(["self", "selfAndSubordinates", "department", "departmentAndChildren", "all"],
            catalogue.GetProperty("dataScopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task CatalogueAndRolesNeedRolesView()
    {
        var tenant = await app.NewTenantAsync();
        var (_, staff) = await tenant.NewStaffAsync();
        await (await staff.GetAsync("/api/v1/permissions")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.GetAsync("/api/v1/roles")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        var viewer = await tenant.CreateRoleAsync(["roles.view"]);
        var (_, _, client) = await tenant.NewUserWithRolesAsync(viewer.Id());
        await (await client.GetAsync("/api/v1/permissions")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(6, (await client.ListAllAsync("/api/v1/roles")).Count);
        await (await client.PostAsJsonAsync("/api/v1/roles", new { name = "Nope", permissions = Array.Empty<string>() }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task CreatesReadsUpdatesSearchesAndDeletesRole()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/roles", new
        {
            name = "Telesales",
            description = "Calls leads",
            permissions = new[] { "leads.view", "leads.edit", "leads.view" },
            dataScope = "selfAndSubordinates",
            fieldRules = new[] { new { entity = "customers", field = "phone", access = "masked" } },
        });
        var role = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/roles/{role.Id()}", response.Headers.Location?.ToString());
        Assert.Equal(["leads.view", "leads.edit"], role.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("selfAndSubordinates", role.Str("dataScope"));
        Assert.Equal("masked", role.GetProperty("fieldRules")[0].Str("access"));
        Assert.False(role.GetProperty("isSuperAdmin").GetBoolean());

        var updated = await (await tenant.Admin.PatchJsonAsync($"/api/v1/roles/{role.Id()}", new { dataScope = "department", permissions = new[] { "leads.view" } }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("department", updated.Str("dataScope"));
        Assert.Equal("Telesales", (await tenant.Admin.GetJsonAsync($"/api/v1/roles/{role.Id()}")).Str("name"));

        var found = await tenant.Admin.PostJsonAsync("/api/v1/roles/search",
            new { filterGroups = new[] { new { filters = new[] { new { field = "name", op = "eq", value = "Telesales" } } } } }, HttpStatusCode.OK);
        Assert.Equal([role.Id()], found.Ids());

        await (await tenant.Admin.DeleteAsync($"/api/v1/roles/{role.Id()}", $"\"{role.Str("version")}\""))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        await (await tenant.Admin.DeleteAsync($"/api/v1/roles/{role.Id()}", $"\"{updated.Str("version")}\"")).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.GetAsync($"/api/v1/roles/{role.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "role.not_found");
    }

    [Fact]
    public async Task RefusesPermissionsOutsideTheCatalogue()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/roles", new { name = "Bad", permissions = new[] { "leads.view", "leads.fly" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "role.invalid");
        Assert.Equal(["permissions"], problem.ErrorFields());
        var role = await tenant.CreateRoleAsync(["leads.view"]);
        problem = await (await tenant.Admin.PatchJsonAsync($"/api/v1/roles/{role.Id()}", new { permissions = new[] { "nothing.at_all" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "role.invalid");
        Assert.Equal(["permissions"], problem.ErrorFields());
        Assert.Equal(["leads.view"], (await tenant.Admin.GetJsonAsync($"/api/v1/roles/{role.Id()}")).GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.DoesNotContain(await tenant.Admin.ListAllAsync("/api/v1/roles"), r => r.Str("name") == "Bad");
    }

    [Theory]
    [InlineData("planets", "name", "hidden")]
    [InlineData("customers", "Phone", "hidden")]
    [InlineData("customers", "phone-number", "readOnly")]
    [InlineData("customers", "id", "hidden")]
    [InlineData("contacts", "version", "masked")]
    [InlineData("leads", "updatedAt", "readOnly")]
    public async Task RefusesFieldRulesOnUnknownModulesOrBadFieldNames(string entity, string field, string access)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/roles", new { name = "Bad", fieldRules = new[] { new { entity, field, access } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "role.invalid");
        Assert.Equal(["fieldRules"], problem.ErrorFields());
    }

    [Fact]
    public async Task RefusesDuplicateFieldRulesAndUnknownAccess()
    {
        var tenant = await app.NewTenantAsync();
        var rules = new[] { new { entity = "customers", field = "phone", access = "hidden" }, new { entity = "customers", field = "phone", access = "masked" } };
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/roles", new { name = "Dup", fieldRules = rules }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "role.invalid");
        Assert.Equal(["fieldRules"], problem.ErrorFields());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/roles", new { name = "Odd", fieldRules = new[] { new { entity = "customers", field = "phone", access = "blurred" } } }))
            .ExpectAsync(HttpStatusCode.BadRequest);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/roles", new { name = "Super", isSuperAdmin = true }))
            .ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SuperAdminRoleKeepsItsPowersButCanBeRenamed()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.BuiltInRoleIdAsync("superAdmin");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/roles/{id}", new { permissions = new[] { "leads.view" } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "role.super_admin_fixed");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/roles/{id}", new { dataScope = "self" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "role.super_admin_fixed");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/roles/{id}", new { fieldRules = new[] { new { entity = "customers", field = "phone", access = "hidden" } } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "role.super_admin_fixed");
        await (await tenant.Admin.DeleteAsync($"/api/v1/roles/{id}")).ExpectProblemAsync(HttpStatusCode.Conflict, "role.super_admin_fixed");

        var renamed = await (await tenant.Admin.PatchJsonAsync($"/api/v1/roles/{id}", new { name = "Owner" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Owner", renamed.Str("name"));
        Assert.Equal("all", renamed.Str("dataScope"));
        Assert.True(renamed.GetProperty("isSuperAdmin").GetBoolean());
    }

    [Fact]
    public async Task BuiltInRolesHoldWhatTheModulesGrantThemAndNothingOutsideTheCatalogue()
    {
        var tenant = await app.NewTenantAsync();
        var catalogue = (await tenant.Admin.GetJsonAsync("/api/v1/permissions")).GetProperty("modules").EnumerateArray()
            .SelectMany(m => m.GetProperty("permissions").EnumerateArray()).Select(p => p.Str("code")).ToHashSet();
        async Task<string[]> Permissions(string key) =>
            [.. (await tenant.Admin.GetJsonAsync($"/api/v1/roles/{await tenant.BuiltInRoleIdAsync(key)}")).GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!)];

        var rep = await Permissions("salesRep");
        Assert.Contains("customers.create", rep);
        Assert.Contains("leads.convert", rep);
        Assert.Contains("followups.delete", rep);
        Assert.DoesNotContain("customers.delete", rep);
        var manager = await Permissions("salesManager");
        Assert.Contains("customers.merge", manager);
        Assert.DoesNotContain("contacts.merge", manager); // contacts have no merge: a grant the catalogue lacks is dropped
        Assert.DoesNotContain("users.manage", manager);
        // Service agents follow up on customers, read the document library, keep their own tasks and calendar, and tag what they see.
        string[] agent = ["contacts.view", "customers.view", "followups.create", "followups.edit", "followups.view", "products.view", "services.view", "documents.view",
            "tasks.view", "tasks.create", "tasks.edit", "tasks.delete", "tasks.transfer",
            "calendarevents.view", "calendarevents.create", "calendarevents.edit", "calendarevents.delete", "calendarevents.transfer", "tags.view", "tags.apply"];
        Assert.Equal(agent.Order(), (await Permissions("serviceAgent")).Order());
        Assert.Equal(catalogue.Where(c => c.EndsWith(".view", StringComparison.Ordinal)).Order(), (await Permissions("readOnly")).Order());
        Assert.All(rep.Concat(manager), p => Assert.Contains(p, catalogue));
    }

    [Fact]
    public async Task BuiltInRolesCanChangeButNotBeDeleted()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.BuiltInRoleIdAsync("salesRep");
        await (await tenant.Admin.DeleteAsync($"/api/v1/roles/{id}")).ExpectProblemAsync(HttpStatusCode.Conflict, "role.built_in");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/roles/{id}", new { dataScope = "selfAndSubordinates" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.GetAsync($"/api/v1/roles/{id}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RoleHeldByAUserCannotBeDeleted()
    {
        var tenant = await app.NewTenantAsync();
        var role = await tenant.CreateRoleAsync(["leads.view"]);
        var (userId, _, _) = await tenant.NewUserWithRolesAsync(role.Id());
        await (await tenant.Admin.DeleteAsync($"/api/v1/roles/{role.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "role.in_use");
        await (await tenant.Admin.GetAsync($"/api/v1/roles/{role.Id()}")).ExpectAsync(HttpStatusCode.OK);

        await (await tenant.Admin.PutRolesAsync(userId, [])).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/roles/{role.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
    }
}
